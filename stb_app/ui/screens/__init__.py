"""The screens; each has its layout in a .kv file of the same name beside it."""
from .ask import AskScreen
from .calculator import CalculatorScreen
from .channel import ChannelScreen
from .choose import ChooseScreen
from .complain import ComplainScreen
from .detail import DetailScreen
from .exit import ExitScreen
from .glossary import GlossaryScreen
from .home import HomeScreen
from .notices import NoticesScreen
from .player import PlayerScreen
from .questions import QuestionsScreen
from .services import ServicesScreen
from .topic import TopicScreen
from .urgent import UrgentScreen
from .watch import WatchScreen

SCREENS = [HomeScreen, WatchScreen, DetailScreen, PlayerScreen, ChooseScreen, TopicScreen,
           ServicesScreen, GlossaryScreen, AskScreen, QuestionsScreen, ChannelScreen, ExitScreen,
           CalculatorScreen, NoticesScreen, UrgentScreen, ComplainScreen]

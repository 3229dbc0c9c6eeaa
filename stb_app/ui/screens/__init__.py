"""The screens; each has its layout in a .kv file of the same name beside it."""
from .appointments import AppointmentsScreen
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
from .place import PlaceScreen
from .player import PlayerScreen
from .questions import QuestionsScreen
from .request import RequestScreen
from .services import ServicesScreen
from .topic import TopicScreen
from .urgent import UrgentScreen
from .watch import WatchScreen

# RequestScreen comes after AskScreen: it is laid out by ask.kv's rule
SCREENS = [HomeScreen, WatchScreen, DetailScreen, PlayerScreen, ChooseScreen, TopicScreen,
           ServicesScreen, GlossaryScreen, AskScreen, QuestionsScreen, ChannelScreen, ExitScreen,
           CalculatorScreen, NoticesScreen, UrgentScreen, RequestScreen, AppointmentsScreen, PlaceScreen,
           ComplainScreen]

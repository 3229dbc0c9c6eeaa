"""The demo's answer templates: what a 12348 lawyer says most often about the demo's topics, in both
languages, put together from the steps of the bundled guides (their words were checked once)."""
from __future__ import annotations

from ..guidance import seed_data

# (topic, title, indexes of the topic's guide steps the template says in order)
STEPS = [
    ("traffic", "事故后先做什么", (0, 1, 2)),
    ("traffic", "协商赔偿", (3, 4)),
    ("wages", "讨薪先留证据", (0, 1)),
    ("wages", "投诉和仲裁", (2, 3, 4)),
    ("land", "承包地被收回", (0, 1)),
    ("land", "土地纠纷怎么办", (2, 3)),
    ("family", "离婚登记和协议", (0, 1)),
    ("family", "遗产继承", (2, 3)),
]


def templates() -> list[tuple[str, str, dict[str, str]]]:
    """(topic, title, {"zh", "mn"}) of every demo template."""
    steps = {guide["topic"]: guide["steps"] for guide in seed_data("guides")}
    return [(topic, title, {"zh": "".join(steps[topic][i]["zh"] for i in chosen),
                            "mn": " ".join(steps[topic][i]["mn"] for i in chosen)})
            for topic, title, chosen in STEPS]

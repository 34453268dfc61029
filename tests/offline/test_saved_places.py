"""The planner with saved places: their names and each language's words for home and work
are those places, before the gazetteer; a question with no place uses the default one."""

from __future__ import annotations

import pytest

from weatherbot.offline.followup import plan_turn
from weatherbot.offline.intent import Plan
from weatherbot.offline.saved import SavedNames

SAVED = SavedNames(("home", "Work", "the cabin", "mum's", "My Boat"), default="home")
NO_DEFAULT = SavedNames(SAVED.names, default=None)


def asked(plan: Plan) -> list[str]:
    return [place.query for place in plan.places]


@pytest.mark.parametrize(
    ("question", "place", "topic"),
    [
        # English, as different people type it
        ("will it rain at home tomorrow?", "home", "rain"),
        ("Will it rain at HOME tomorrow?", "home", "rain"),
        ("is it cold at my place?", "home", "temperature"),
        ("weather at the house rn", "home", "general"),
        ("whats the temprature at home", "home", "temperature"),
        ("wil it rian at home tomorow", "home", "rain"),
        ("weather at work", "Work", "general"),
        ("do i need an umbrella at the office today", "Work", "umbrella"),
        ("how windy is it at my office", "Work", "wind"),
        ("how cold is it at mum's", "mum's", "temperature"),
        ("how cold is it at mums?", "mum's", "temperature"),
        ("Is it windy at the cabin?", "the cabin", "wind"),
        ("is it windy at the CABIN", "the cabin", "wind"),
        ("rain on my boat this weekend?", "My Boat", "rain"),
        # German
        ("Regnet es morgen zu Hause?", "home", "rain"),
        ("wie kalt ist es daheim", "home", "temperature"),
        ("Temperatur zuhause?", "home", "temperature"),
        ("Brauche ich im Büro einen Regenschirm?", "Work", "umbrella"),
        ("regnet es bei der arbeit", "Work", "rain"),
        ("Wetter im Buro morgen", "Work", "general"),
        # French
        ("Il va pleuvoir chez moi demain ?", "home", "rain"),
        ("quel temps fait-il à la maison", "home", "general"),
        ("il fait froid a la maison ?", "home", "temperature"),
        ("Météo au travail demain", "Work", "general"),
        ("il pleut au bureau ?", "Work", "rain"),
        # Spanish
        ("¿Va a llover en casa mañana?", "home", "rain"),
        ("que temperatura hace en casa", "home", "temperature"),
        ("¿Llueve en el trabajo?", "Work", "rain"),
        ("clima en la oficina mañana", "Work", "general"),
        # Portuguese
        ("Vai chover em casa amanhã?", "home", "rain"),
        ("qual a temperatura em casa", "home", "temperature"),
        ("Vai chover no trabalho?", "Work", "rain"),
        ("tempo no escritorio amanha", "Work", "general"),
        # Chinese, simplified and traditional
        ("明天家里会下雨吗？", "home", "rain"),
        ("我家今天冷吗", "home", "temperature"),
        ("公司明天下雨吗", "Work", "rain"),
        ("单位那边风大吗", "Work", "wind"),
        ("明天家裡會下雨嗎？", "home", "rain"),
        ("公司今天會下雨嗎", "Work", "rain"),
        ("單位今天冷嗎", "Work", "temperature"),
        # Japanese
        ("明日、家は雨が降りますか？", "home", "rain"),
        ("自宅の気温は？", "home", "temperature"),
        ("会社は明日雨ですか", "Work", "rain"),
        ("職場の天気", "Work", "general"),
    ],
)
def test_saved_names_and_words_for_home_and_work(question: str, place: str, topic: str) -> None:
    plan = plan_turn(question, (), SAVED)
    assert plan.kind == "weather", plan
    assert asked(plan) == [place], question
    assert topic in plan.topics, (question, plan.topics)


@pytest.mark.parametrize(
    "question",
    [
        "will it rain at home tomorrow?",
        "Regnet es morgen zu Hause?",
        "Il va pleuvoir chez moi demain ?",
        "明天家里会下雨吗？",
        "会社は明日雨ですか",
    ],
)
def test_without_such_a_saved_place_the_words_are_no_place(question: str) -> None:
    nothing = plan_turn(question, (), SavedNames(("the cabin",)))
    assert nothing.kind == "no_place" and nothing.places == []
    # ... and the default, if there is one, answers it.
    cabin = plan_turn(question, (), SavedNames(("the cabin",), default="the cabin"))
    assert cabin.kind == "weather" and asked(cabin) == ["the cabin"]


def test_no_place_uses_the_default_only_when_one_is_set() -> None:
    for question in ("is it going to rain tomorrow?", "Wie wird das Wetter?", "明天冷吗"):
        assert asked(plan_turn(question, (), SAVED)) == ["home"], question
        bare = plan_turn(question, (), NO_DEFAULT)
        assert bare.kind == "no_place" and bare.places == [], question
    for social in ("thanks!", "Danke!", "hello"):
        assert plan_turn(social, (), SAVED).kind == "social"


def test_follow_ups_keep_working() -> None:
    paris = plan_turn("and tomorrow?", ["will it rain in Paris?"], SAVED)
    assert asked(paris) == ["Paris, Ile-de-France, France"] and paris.days.days == 2
    lyon = plan_turn("and in Lyon?", ["will it rain at home?"], SAVED)
    assert asked(lyon) == ["Lyon, Rhone-Alpes, France"] and "rain" in lyon.topics
    at_work = plan_turn("and at work?", ["is it windy in Oslo?"], SAVED)
    assert asked(at_work) == ["Work"] and "wind" in at_work.topics
    # The default answered the first question; the follow-up continues it.
    wind = plan_turn("and the wind?", ["rain tomorrow?"], SAVED)
    assert asked(wind) == ["home"] and "wind" in wind.topics


def test_a_saved_name_that_is_a_city_elsewhere() -> None:
    # "work" saved as Paris: "Paris" still means the gazetteer's Paris, "work" the saved one.
    work_in_paris = SavedNames(("work",), default="work")
    paris = plan_turn("weather in Paris tomorrow", (), work_in_paris)
    assert asked(paris) == ["Paris, Ile-de-France, France"]
    both = plan_turn("is it warmer at work or in Paris?", (), work_in_paris)
    assert asked(both) == ["work", "Paris, Ile-de-France, France"] and both.compare
    # A place saved under a city's name is the user's place...
    mine = SavedNames(("Paris",))
    assert [p.saved for p in plan_turn("weather in paris", (), mine).places] == ["Paris"]
    # ... but a longer name holding it is still the city (Shijiazhuang holds 家, home).
    assert asked(plan_turn("石家庄明天下雨吗", (), SAVED)) == ["Shijiazhuang, Hebei, China"]
    assert asked(plan_turn("weather in Paris, TX", (), mine))[0].startswith("Paris, Texas")


def test_words_holding_a_word_for_home_are_not_home() -> None:
    assert plan_turn("华氏度单位", (), NO_DEFAULT).places == []
    assert all(p.saved is None for p in plan_turn("weather in Homeland", (), SAVED).places)
    assert plan_turn("cold at the workshop?", (), NO_DEFAULT).places == []
    # One place once, however often it is named.
    assert asked(plan_turn("rain at home? and at home tomorrow?", (), SAVED)) == ["home"]

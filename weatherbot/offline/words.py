"""The offline planner's word tables: English and Chinese (and a little Japanese) vocabulary.

Data only: which words ask about temperature, rain or the weather in general, which name a time
or a number, and which can never be part of a place name.
"""

from __future__ import annotations

from weatherbot.providers.places import CITY_ALIASES

# --------------------------------------------------------------------------------------------
# English


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TEMPERATURE_WORDS = _words(
    """temperature temperatures temp temps hot cold warm warmer cool cooler chilly freezing
    heat degrees degree celsius fahrenheit centigrade highs lows jacket coat sweater"""
)
RAIN_WORDS = _words(
    """rain raining rainy rains rainfall umbrella umbrellas precipitation precip shower showers
    drizzle drizzling wet snow snowing snowy storm storms stormy thunderstorm thunderstorms
    downpour chance chances likelihood probability likely odds percent"""
)
GENERAL_WORDS = _words(
    """weather forecast forecasts outlook conditions condition climate sunny cloudy
    sun clouds wind windy humid humidity"""
)
WEATHER_NOUNS = frozenset({"weather", "forecast", "temperature", "temp", "rain", "conditions"})

WEEKDAY_NAMES = {
    name: index
    for index, name in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}
TIME_WORDS = _words(
    """today tonight now currently current tomorrow tmrw tmr overmorrow morning afternoon
    evening night noon midday week weeks weekend weekends weekday weekdays day days hour hours
    later soon right next this coming upcoming few couple rest overnight yesterday daily hourly
    moment minute minutes fortnight ahead outlook january february march april may june july
    august september october november december"""
) | frozenset(WEEKDAY_NAMES)
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
}
FUNCTION_WORDS = _words(
    """a an the and or but nor of to for in at on by with from about near around into over
    is are was were be been being am will would shall should can could may might must do does
    did doing done have has had having get gets getting go goes going gonna got it its it'll
    itll it'd i i'm im i'll i'd ive i've me my mine we us our you your you're they them their
    he she him her there here that this these those what whats what's which who how hows how's
    when where why whether if then than so as any some much many more most very too also just
    only please pls plz tell show give check let lets let's compare comparison versus vs
    between both each all need needed needs know want wanted like look looks looking feel
    feels expect expected expecting bring take wear wearing hey hi hello thanks thank ok okay
    yes no not don't dont doesn't doesnt won't wont isn't isnt aren't arent can't cant cannot
    actually really currently out outside inside weatherbot again same also other else there's
    that's thats it's whats's where's wheres ever going's plus f c metric imperial units unit
    percentage tell me find see say said my here there
    probably maybe expected forecasted predicted gonna wanna else about around chance"""
)
STOP_WORDS = (
    FUNCTION_WORDS
    | TEMPERATURE_WORDS
    | RAIN_WORDS
    | GENERAL_WORDS
    | TIME_WORDS
    | frozenset(NUMBER_WORDS)
    | frozenset({"am", "pm", "st", "nd", "rd", "th"})
)

# Words that open a place list: "in Paris", "for Tokyo, Osaka and Kyoto", "at 48.85,2.35".
PLACE_PREPOSITIONS = frozenset({"in", "for", "at", "near", "around", "of", "to", "from"})
# Words that may join two place names in a list.
LIST_WORDS = frozenset({"and", "or", "vs", "versus", "plus"})
# Lower-case words that may sit inside a capitalised name: "Rio de Janeiro", "Isle of Man".
CONNECTORS = _words(
    """de da do dos das del della di du des la le les los las el upon on am im sur en of y
    au aux van von der den al"""
)
# Cities whose names are also states or countries ("New York", "Washington", "Singapore").
KNOWN_CITIES = frozenset(name.casefold() for name in CITY_ALIASES.values())
ABBREVIATIONS = frozenset({"st.", "mt.", "ft.", "pt.", "ste."})

# --------------------------------------------------------------------------------------------
# Chinese (and a little Japanese)

ZH_STOP_WORDS = sorted(
    _words(
        """今天 明天 后天 後天 大后天 昨天 现在 現在 目前 此刻 当前 今晚 今早
        早上 上午 中午 下午 晚上 夜里 夜间 这周 這週 本周 本週 这个星期
        这星期 下周 下星期 一周 一週 未来 接下来 最近 这几天 几天 周末 週末
        这个周末 星期 礼拜 天气 天氣 天气预报 预报 預報 怎么样 怎麼樣 怎样
        如何 好不好 会不会 會不會 下不下雨 下雨 下雪 降雨 降水 雨 雪 吗 嗎
        嘛 呢 吧 啊 呀 么 气温 氣溫 温度 溫度 多少度 几度 幾度 多少 度 和
        与 與 跟 及 以及 还有 還有 或 或者 对比 比较 比較 相比 的 是 在
        了 有 没有 沒有 要 需要 要不要 带 帶 伞 傘 雨伞 雨傘 概率 几率
        機率 可能 可能性 机会 请问 請問 请 請 告诉 告訴 我 我们 你 一下 查
        查询 查詢 看看 看 热 熱 冷 冷不冷 热不热 暖和 凉快 最高 最低 华氏
        華氏 摄氏 攝氏 情况 情況 那里 那边 这里 这边 出门 外面 会 會 将
        将会 刮风 晴天 阴天 大雨 小雨 湿度 今日 明日 明後日 今週 の は が
        か を に で と や 天気 気温 何度 降る 降ります 降りますか ですか
        です ます でしょう でしょうか どう どうですか 必要 教えて ください 傘が"""
    ),
    key=len,
    reverse=True,
)
ZH_TEMPERATURE = ("气温", "氣溫", "温度", "溫度", "度", "热", "熱", "冷", "暖", "凉", "気温")
ZH_RAIN = ("雨", "伞", "傘", "降水", "雪")
ZH_GENERAL = ("天气", "天氣", "天気", "预报", "預報")
ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5}
ZH_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}

"""Named vocabularies and patterns of boilerplate and prose (data only).

They feed the classifier as features; none of them decides a label on its own.
"""
from __future__ import annotations

import re

# Function words per language: their density separates running prose from
# menus, titles and fact lists in any language (the jusText observation).
STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """a about above after again against all also am an and any are as at be because been before
        being below between both but by can could did do does doing down during each few for from
        further had has have having he her here hers herself him himself his how i if in into is it
        its itself just me more most my myself no nor not now of off on once only or other our ours
        ourselves out over own same she should so some such than that the their theirs them
        themselves then there these they this those through to too under until up very was we were
        what when where which while who whom why will with would you your yours yourself yourselves
        s t don isn wasn doesn didn won can't it's i'm they're we're there's""".split()
    ),
    "de": frozenset(
        """aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei bin
        bis bist da damit dann das dass dein deine dem den denn der des dich die dir doch dort du
        durch ein eine einem einen einer eines er es etwas euch euer für gegen gewesen hab habe haben
        hat hatte hier hin hinter ich ihm ihn ihnen ihr ihre im in indem ins ist jede jedem jeden
        jeder jetzt kann kein keine können machen man manche mein meine mich mir mit muss nach nicht
        nichts noch nun nur ob oder ohne sehr sein seine sich sie sind so solche soll sondern über um
        und uns unser unter viel vom von vor war waren warum was weil welche wenn wer werden wie wir
        wird wo zu zum zur zwischen""".split()
    ),
    "fr": frozenset(
        """au aux avec ce ces cette dans de des du elle elles en est et eux il ils je la le les leur
        leurs lui ma mais me même mes moi mon ne nos notre nous on ont ou où par pas pour qu que qui
        sa se ses son sont sur ta te tes toi ton tu un une vos votre vous été être avoir fait comme
        plus tout tous aussi bien sans sous entre après avant donc alors très peu""".split()
    ),
    "es": frozenset(
        """a al algo algunos ante antes como con contra cual cuando de del desde donde durante e el
        ella ellas ellos en entre era es esa esas ese eso esos esta estaba estado están este esto
        estos fue fueron ha hasta hay la las le les lo los más me mi mientras muy nada ni no nos
        nosotros o otra otro para pero poco por porque que quien se sea ser si sin sobre son su sus
        también tanto te tiene todo todos tu un una uno unos y ya yo""".split()
    ),
    "it": frozenset(
        """a ad al alla alle anche che chi ci come con contro cui da dal dalla dei del della delle di
        dove e è ed era gli ha hanno i il in io la le lei lo loro lui ma mi mia mio molto ne nei nel
        nella noi non o per perché più poi quale quando quella quello questa questo se si sono su
        sua suo sul sulla tra tu tutti tutto un una uno voi""".split()
    ),
    "nl": frozenset(
        """aan al alle als bij dan dat de der deze die dit doch doen door dus een en er had heb hebben
        heeft het hier hij hoe hun ik in is ja je kan kon maar me meer men met mij mijn na naar niet
        niets nog nu of om omdat ons ook op over te tegen toch toen tot u uit van veel voor want was
        wat we wel werd wie wij wordt zal ze zei zich zij zijn zo zonder zou""".split()
    ),
    "pt": frozenset(
        """a ao aos as até com como da das de dela dele do dos e ela elas ele eles em entre era essa
        esse esta este eu foi foram há isso isto já mais mas me mesmo meu minha muito na não nas nem
        no nos nós o os ou para pela pelo por qual quando que quem se sem ser seu sua são também te
        tem um uma você""".split()
    ),
}

# Chinese and Japanese write their words without spaces: documents in them are tokenised into
# characters (`textstats`), and these single-character function words (particles, auxiliaries,
# pronouns) play the part of stop words: frequent in prose, rare in menus and labels.
CHARACTER_STOP_WORDS: dict[str, frozenset[str]] = {
    "zh": frozenset("的了是在和有我他她它们这那也就都而及与着或被把不一个为之以于其所从到对很会要说"),
    "ja": frozenset("のにはをたがでてとしれさもなかるいうよりからまでへやだすこそ"),
}
# Their full stops and commas (the ASCII ones count everywhere), and the closing brackets and
# quotes a sentence may end in.
FULL_STOPS = "。！？"
FULL_COMMAS = "，、"
FULL_CLOSERS = "」』）"
# The characters that are words or parts of words of their own in them (code point ranges): the
# iteration and zero marks (々 〆 〇), kana (and half-width katakana), the unified ideographs
# (extension A, compatibility, and the supplementary planes' extensions).
IDEOGRAPH_RANGES = ((0x3005, 0x3007), (0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
                    (0xFF66, 0xFF9F), (0x20000, 0x3134F))

# Words that label controls, menus and site furniture rather than carry content.
UI_WORDS = frozenset(
    """home menu login log logout sign signin signup register account cart basket checkout search
    subscribe subscription newsletter share shares tweet facebook twitter linkedin pinterest
    instagram youtube whatsapp reddit email print comment comments reply replies like likes follow
    followers download contact about privacy policy terms cookie cookies settings preferences
    accept reject consent skip navigation nav next previous prev back top more advertisement
    advertise ad ads sponsored sponsor menu close open toggle click tap here loading copyright
    rights reserved faq help support careers jobs press sitemap rss feed feeds blog tags tag
    category categories archive archives shop store buy order wishlist compare filter sort view
    views page pages language english edit save submit send upload video videos photo photos
    gallery podcast podcasts watch listen trending popular latest""".split()
)

# Words of legal and footer text.
FOOTER_WORDS = frozenset(
    """copyright rights reserved privacy policy terms conditions cookie cookies imprint impressum
    disclaimer trademark trademarks registered inc ltd llc gmbh accessibility sitemap legal""".split()
)

# Lines that introduce links to other stories ("More on ...:", "Related:", "Read more").
TEASER_PREFIX = re.compile(
    r"^(?:[-*•·►▶»]\s*)?(?:more on\b|more from\b|more about\b|more stories\b|more news\b|related\b|"
    r"read more\b|read also\b|read next\b|also read\b|see also\b|you may also\b|you might also\b|"
    r"recommended\b|trending\b|most popular\b|most read\b|popular\b|latest\b|don'?t miss\b|"
    r"further reading\b|what to read next\b|up next\b|watch\b|listen\b|top stories\b|editor'?s picks?\b|"
    r"continue reading\b|click here\b|sponsored\b|advertisement\b|from around the web\b)",
    re.IGNORECASE | re.MULTILINE,
)

# A whole line that heads a site's list of other stories ("You might also like", "Related articles",
# "More on the election:"). Narrower than TEASER_PREFIX: the line must be nothing but the heading.
TEASER_HEADING = re.compile(
    r"^(?:[-*•·►▶»#]\s*)?(?:more (?:on|from|about|stories|news|articles|posts)\b.{0,60}|"
    r"related(?: (?:articles?|posts?|stories|content|reading|news|links))?|read (?:more|also|next)|also read|"
    r"see also|you (?:may|might) also (?:like|enjoy|be interested in)|"
    r"recommended(?: for you| reading| articles| posts)?|trending(?: now| stories)?|most (?:popular|read)|"
    r"popular (?:posts|articles|stories)|further reading|what to read next|up next|top stories|editor'?s picks?|"
    r"latest (?:news|posts|articles|stories)|more like this|other (?:articles|posts|stories)|keep reading)"
    r"\s*[:.…>»]?\s*$",
    re.IGNORECASE,
)

COPYRIGHT_WORDS = frozenset({"copyright"})  # plus the © sign

# "Engine: 2.0-litre", "Price: $34,990", "Kick-off: 15:00" — the shape of spec sheets and fact boxes.
KEY_VALUE = re.compile(r"[^\W\d_][^:.!?]{0,38}:\s*\S")
# The same shape, stricter, for the decision's foreign fact box rule (`decision.foreign_fact_boxes`):
# a key of at most 41 word characters, spaces and a little punctuation (no sentence ends), then a space
# after the colon, so that URLs ("https://…"), commands ("rsync ps:src/ dst/") and times ("15:00") do
# not count. A list bullet may come first ("• Engine: …" from a block renderer, "* Engine: …" or "+ …"
# from a markdown converter), and the key may be bold ("**Engine:** …"). A table row of two cells
# ("Engine | 1.5-litre", as `segment_html` joins a row's cells) has the same shape.
LABELLED_VALUE = re.compile(r"(?:[•*·▪◦●■+–—-]\s+)?(?:\*\*)?[^\W_][\w ()'’/&,+-]{0,40}"
                            r"(?::(?:\*\*)?\s+\S| \| [^|]+$)")

# What follows a number in fact boxes: units, scores, minute marks, times. Matched right after
# each numeric token, so the cost is per number, not per character.
AFTER_NUMBER = re.compile(
    r"(?:[.,]\d+)?[ \t-]?(?:kw|hp|bhp|ps|nm|lb-?ft|mpg|l/100\s?km|km/h|mph|kph|cc|kg|lbs?|mm|cm|km|"
    r"miles?|litres?|liters?|l|v[68]?|g/km|rpm|sec|secs|s|min|mins|ft|in|oz|gb|tb|mb|mhz|ghz|"
    r"mah|w|wh|kwh)\b"
    r"|(?:[.,]\d+)?[ \t]?%"
    r"|[ \t]?[-–:][ \t]?\d"
    r"|['’′]",
    re.IGNORECASE,
)
_UNITS = (r"kw|hp|bhp|ps|nm|lbft|mpg|kmh|mph|kph|cc|kg|lbs?|mm|cm|km|l|g|mg|ml|v[68]?|rpm|secs?|s|"
          r"mins?|ft|in|oz|gb|tb|mb|mhz|ghz|mah|w|wh|kwh|st|nd|rd|th|pm|am|m|k|bn|x")
# Tokens where the unit is glued to the number ("195kw", "400nm", "23rd", "7pm").
NUMBER_WITH_UNIT = re.compile(rf"\d+(?:{_UNITS})")
CURRENCY = "$€£¥₹"
MONTHS = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
URL_WORDS = frozenset({"http", "https", "www", "com", "org", "net", "html", "htm"})
# Breadcrumbs and menus flattened into one line: "Home > News > World", "About | Contact".
SEPARATOR_CHARS = "|›»>·"

BULLET_START = re.compile(r"(?:[-*•·▪►▶–—>»✓✔]|\d{1,3}[.)]|[a-z][.)])\s")

"""Language lists of multilingual model cards (ISO 639-3 + script), as the reference's model metadata lists
them (mteb 2.26.24)."""

XLMR_LANGUAGES = [
    "afr-Latn", "amh-Latn", "ara-Latn", "asm-Latn", "aze-Latn", "bel-Latn", "bul-Latn", "ben-Latn",
    "ben-Beng", "bre-Latn", "bos-Latn", "cat-Latn", "ces-Latn", "cym-Latn", "dan-Latn", "deu-Latn",
    "ell-Latn", "eng-Latn", "epo-Latn", "spa-Latn", "est-Latn", "eus-Latn", "fas-Latn", "fin-Latn",
    "fra-Latn", "fry-Latn", "gle-Latn", "gla-Latn", "glg-Latn", "guj-Latn", "hau-Latn", "heb-Latn",
    "hin-Latn", "hin-Deva", "hrv-Latn", "hun-Latn", "hye-Latn", "ind-Latn", "isl-Latn", "ita-Latn",
    "jpn-Latn", "jav-Latn", "kat-Latn", "kaz-Latn", "khm-Latn", "kan-Latn", "kor-Latn", "kur-Latn",
    "kir-Latn", "lat-Latn", "lao-Latn", "lit-Latn", "lav-Latn", "mlg-Latn", "mkd-Latn", "mal-Latn",
    "mon-Latn", "mar-Latn", "msa-Latn", "mya-Latn", "nep-Latn", "nld-Latn", "nob-Latn", "orm-Latn",
    "ori-Latn", "pan-Latn", "pol-Latn", "pus-Latn", "por-Latn", "ron-Latn", "rus-Latn", "san-Latn",
    "snd-Latn", "sin-Latn", "slk-Latn", "slv-Latn", "som-Latn", "sqi-Latn", "srp-Latn", "sun-Latn",
    "swe-Latn", "swa-Latn", "tam-Latn", "tam-Taml", "tel-Latn", "tel-Telu", "tha-Latn", "tgl-Latn",
    "tur-Latn", "uig-Latn", "ukr-Latn", "urd-Latn", "urd-Arab", "uzb-Latn", "vie-Latn", "xho-Latn",
    "yid-Latn", "zho-Hant", "zho-Hans",
]

POTION_MULTILINGUAL_LANGUAGES = [
    "afr-Latn", "amh-Ethi", "ara-Arab", "aze-Latn", "bel-Cyrl", "bul-Cyrl", "ben-Beng", "cat-Latn",
    "ceb-Latn", "cos-Latn", "ces-Latn", "cym-Latn", "dan-Latn", "deu-Latn", "ell-Grek", "eng-Latn",
    "epo-Latn", "spa-Latn", "est-Latn", "eus-Latn", "fas-Arab", "fin-Latn", "fil-Latn", "fra-Latn",
    "fry-Latn", "gle-Latn", "gla-Latn", "glg-Latn", "guj-Gujr", "hau-Latn", "haw-Latn", "hin-Deva",
    "hmn-Latn", "hat-Latn", "hun-Latn", "hye-Armn", "ind-Latn", "ibo-Latn", "isl-Latn", "ita-Latn",
    "heb-Hebr", "jpn-Jpan", "jav-Latn", "kat-Geor", "kaz-Cyrl", "khm-Khmr", "kan-Knda", "kor-Hang",
    "kur-Latn", "kir-Cyrl", "lat-Latn", "ltz-Latn", "lao-Laoo", "lit-Latn", "lav-Latn", "mlg-Latn",
    "mri-Latn", "mkd-Cyrl", "mal-Mlym", "mon-Cyrl", "mar-Deva", "msa-Latn", "mlt-Latn", "mya-Mymr",
    "nep-Deva", "nld-Latn", "nob-Latn", "nya-Latn", "pan-Guru", "pol-Latn", "pus-Arab", "por-Latn",
    "ron-Latn", "rus-Cyrl", "snd-Arab", "sin-Sinh", "slk-Latn", "slv-Latn", "smo-Latn", "sna-Latn",
    "som-Latn", "sqi-Latn", "srp-Cyrl", "sot-Latn", "sun-Latn", "swe-Latn", "swa-Latn", "tam-Taml",
    "tel-Telu", "tgk-Latn", "tha-Thai", "tur-Latn", "ukr-Cyrl", "urd-Arab", "uzb-Latn", "vie-Latn",
    "xho-Latn", "yid-Hebr", "yor-Latn", "zho-Hans", "zul-Latn",
]

STATIC_MULTILINGUAL_LANGUAGES = [
    "eng-Latn", "ara-Arab", "bul-Cyrl", "cat-Latn", "ces-Latn", "dan-Latn", "deu-Latn", "ell-Grek",
    "spa-Latn", "est-Latn", "fas-Arab", "fin-Latn", "fra-Latn", "glg-Latn", "guj-Gujr", "heb-Hebr",
    "hin-Deva", "hun-Latn", "hye-Armn", "ind-Latn", "ita-Latn", "jpn-Jpan", "kat-Geor", "kor-Hang",
    "kur-Latn", "lit-Latn", "lav-Latn", "mkd-Cyrl", "mon-Cyrl", "mar-Deva", "mal-Mlym", "mya-Mymr",
    "nob-Latn", "nld-Latn", "pol-Latn", "por-Latn", "ron-Latn", "rus-Cyrl", "slk-Latn", "slv-Latn",
    "sqi-Latn", "srp-Cyrl", "swe-Latn", "tha-Thai", "tur-Latn", "ukr-Cyrl", "urd-Arab", "vie-Latn",
    "zho-Hans",
]

F2LLM_V2_LANGUAGES = [
    "python-Code", "php-Code", "java-Code", "c++-Code", "go-Code", "javascript-Code", "c#-Code",
    "ruby-Code", "c-Code", "rust-Code", "sql-Code", "eng-Latn", "zho-Hans", "rus-Cyrl", "spa-Latn",
    "fra-Latn", "deu-Latn", "ara-Arab", "nld-Latn", "vie-Latn", "hin-Deva", "kor-Hang", "jpn-Jpan",
    "ita-Latn", "ind-Latn", "por-Latn", "pol-Latn", "tur-Latn", "dan-Latn", "tha-Thai", "swe-Latn",
    "fas-Arab", "ukr-Cyrl", "ces-Latn", "nor-Latn", "ell-Grek", "cat-Latn", "ron-Latn", "fin-Latn",
    "bul-Cyrl", "tgl-Latn", "glg-Latn", "mya-Mymr", "hye-Armn", "khm-Khmr", "nep-Deva", "hun-Latn",
    "eus-Latn", "heb-Hebr", "lao-Laoo", "swa-Latn", "azj-Latn", "lav-Latn", "sin-Sinh", "slk-Latn",
    "tgk-Cyrl", "est-Latn", "lit-Latn", "msa-Latn", "hrv-Latn", "isl-Latn", "slv-Latn", "srp-Cyrl",
    "urd-Arab", "ben-Beng", "aze-Latn", "afr-Latn", "tam-Taml", "kat-Geor", "tel-Telu", "mal-Mlym",
    "mon-Cyrl", "nno-Latn", "kaz-Cyrl", "cym-Latn", "mar-Deva", "sqi-Latn", "nob-Latn", "pus-Arab",
    "mkd-Cyrl", "ceb-Latn", "jav-Latn", "war-Latn", "kan-Knda", "epo-Latn", "lat-Latn", "guj-Gujr",
    "uzb-Latn", "amh-Ethi", "oci-Latn", "bel-Cyrl", "azb-Arab",
]

BM25S_LANGUAGES = [
    "eng-Latn", "deu-Latn", "nld-Latn", "fra-Latn", "spa-Latn", "por-Latn", "ita-Latn", "swe-Latn",
    "nob-Latn", "nno-Latn", "nor-Latn", "zho-Hans", "zho-Hant", "cmn-Hans", "cmn-Hant",
]

"""The programme's fixed reference data, written once: the nine governments, the four pillars, the languages.

`setup_workspace` turns these into pages and locales, the settings read the languages, the models
read the pillars' choices (`workspace.core.choices`); nothing else should hard-code the lists.
Plain data, no models: the settings import it.
"""

from dataclasses import dataclass

# The interface and content languages; Spanish is the default and the source of translations.
LANGUAGES = (("es", "Español"), ("en", "English"), ("fr", "Français"))
LANGUAGE_CODES = tuple(code for code, _name in LANGUAGES)
DEFAULT_LANGUAGE = "es"


@dataclass(frozen=True)
class GovernmentData:
    code: str  # ISO 3166-1 alpha-2
    slug: str
    names: dict  # language code -> name
    capital: dict
    time_zone: str
    official_language: str


@dataclass(frozen=True)
class PillarData:
    number: int
    slug: str
    names: dict
    descriptions: dict


GOVERNMENTS = (
    GovernmentData(
        "BZ",
        "belize",
        {"es": "Belice", "en": "Belize", "fr": "Belize"},
        {"es": "Belmopán", "en": "Belmopan", "fr": "Belmopan"},
        "America/Belize",
        "en",
    ),
    GovernmentData(
        "CR",
        "costa-rica",
        {"es": "Costa Rica", "en": "Costa Rica", "fr": "Costa Rica"},
        {"es": "San José", "en": "San José", "fr": "San José"},
        "America/Costa_Rica",
        "es",
    ),
    GovernmentData(
        "DO",
        "dominican-republic",
        {"es": "República Dominicana", "en": "Dominican Republic", "fr": "République dominicaine"},
        {"es": "Santo Domingo", "en": "Santo Domingo", "fr": "Saint-Domingue"},
        "America/Santo_Domingo",
        "es",
    ),
    GovernmentData(
        "SV",
        "el-salvador",
        {"es": "El Salvador", "en": "El Salvador", "fr": "Salvador"},
        {"es": "San Salvador", "en": "San Salvador", "fr": "San Salvador"},
        "America/El_Salvador",
        "es",
    ),
    GovernmentData(
        "GT",
        "guatemala",
        {"es": "Guatemala", "en": "Guatemala", "fr": "Guatemala"},
        {"es": "Ciudad de Guatemala", "en": "Guatemala City", "fr": "Guatemala"},
        "America/Guatemala",
        "es",
    ),
    GovernmentData(
        "HT",
        "haiti",
        {"es": "Haití", "en": "Haiti", "fr": "Haïti"},
        {"es": "Puerto Príncipe", "en": "Port-au-Prince", "fr": "Port-au-Prince"},
        "America/Port-au-Prince",
        "fr",
    ),
    GovernmentData(
        "HN",
        "honduras",
        {"es": "Honduras", "en": "Honduras", "fr": "Honduras"},
        {"es": "Tegucigalpa", "en": "Tegucigalpa", "fr": "Tegucigalpa"},
        "America/Tegucigalpa",
        "es",
    ),
    GovernmentData(
        "MX",
        "mexico",
        {"es": "México", "en": "Mexico", "fr": "Mexique"},
        {"es": "Ciudad de México", "en": "Mexico City", "fr": "Mexico"},
        "America/Mexico_City",
        "es",
    ),
    GovernmentData(
        "PA",
        "panama",
        {"es": "Panamá", "en": "Panama", "fr": "Panama"},
        {"es": "Ciudad de Panamá", "en": "Panama City", "fr": "Panama"},
        "America/Panama",
        "es",
    ),
)

GOVERNMENT_CODES = tuple(government.code for government in GOVERNMENTS)
GOVERNMENTS_BY_CODE = {government.code: government for government in GOVERNMENTS}

PILLARS = (
    PillarData(
        1,
        "capacity-building",
        {
            "es": "Fortalecimiento de capacidades en gobernanza migratoria",
            "en": "Migration-governance capacity-building",
            "fr": "Renforcement des capacités en gouvernance des migrations",
        },
        {
            "es": "Formación y asistencia técnica para que las instituciones gestionen la "
            "migración de forma ordenada, segura y regular.",
            "en": "Training and technical assistance so that institutions manage migration in "
            "an orderly, safe and regular way.",
            "fr": "Formation et assistance technique pour que les institutions gèrent les "
            "migrations de manière ordonnée, sûre et régulière.",
        },
    ),
    PillarData(
        2,
        "partnerships",
        {"es": "Alianzas", "en": "Partnerships", "fr": "Partenariats"},
        {
            "es": "Cooperación entre gobiernos, sociedad civil y socios para unificar enfoques en la región.",
            "en": "Cooperation between governments, civil society and partners to bring "
            "approaches in the region together.",
            "fr": "Coopération entre gouvernements, société civile et partenaires pour "
            "harmoniser les approches dans la région.",
        },
    ),
    PillarData(
        3,
        "crisis-management",
        {
            "es": "Gestión de crisis migratorias",
            "en": "Migration crisis management",
            "fr": "Gestion des crises migratoires",
        },
        {
            "es": "Preparación y respuesta ante flujos migratorios extraordinarios: albergues, "
            "protocolos y coordinación.",
            "en": "Preparedness and response to extraordinary migration flows: shelters, protocols and coordination.",
            "fr": "Préparation et réponse aux flux migratoires exceptionnels : hébergement, "
            "protocoles et coordination.",
        },
    ),
    PillarData(
        4,
        "prevention",
        {
            "es": "Prevención mediante comunicación para el desarrollo",
            "en": "Prevention through communication for development",
            "fr": "Prévention par la communication pour le développement",
        },
        {
            "es": "Información sencilla y veraz para reducir la migración irregular, la trata "
            "de personas y el tráfico ilícito de migrantes.",
            "en": "Simple, accurate information to reduce irregular migration, human "
            "trafficking and migrant smuggling.",
            "fr": "Une information simple et exacte pour réduire la migration irrégulière, la "
            "traite des personnes et le trafic illicite de migrants.",
        },
    ),
)

PILLARS_BY_NUMBER = {pillar.number: pillar for pillar in PILLARS}


def name_in(names, language):
    """A name from one of the dicts above in the given language (Spanish when it is missing)."""
    return names.get((language or DEFAULT_LANGUAGE)[:2]) or names[DEFAULT_LANGUAGE]

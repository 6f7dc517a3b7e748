"""Vocabulary of the generated demo program: weights of partner types, regions, countries and tiers, company
names, descriptions, job titles, promotion reasons and the per-country locales and addresses."""

from accounts.models import PartnerFunction
from partners.models import PartnerType, Region

TYPE_WEIGHTS = {
    PartnerType.REFERRAL: 15,
    PartnerType.RESELLER: 25,
    PartnerType.SYSTEMS_INTEGRATOR: 18,
    PartnerType.MSP: 15,
    PartnerType.ISV: 10,
    PartnerType.OEM: 4,
    PartnerType.CLOUD_MARKETPLACE: 3,
    PartnerType.AFFILIATE: 10,
}
REGION_WEIGHTS = {Region.NORTH_AMERICA: 35, Region.EMEA: 35, Region.APAC: 18, Region.LATIN_AMERICA: 12}
COUNTRY_WEIGHTS = {
    Region.NORTH_AMERICA: {"US": 80, "CA": 20},
    Region.LATIN_AMERICA: {"BR": 40, "MX": 30, "AR": 10, "CL": 10, "CO": 10},
    Region.EMEA: {"GB": 25, "DE": 22, "FR": 15, "NL": 10, "ES": 8, "IT": 8, "SE": 5, "ZA": 4, "AE": 3},
    Region.APAC: {"AU": 30, "JP": 20, "IN": 20, "SG": 15, "KR": 8, "NZ": 7},
}
TIER_WEIGHTS = [40, 30, 20, 10]  # Registered, Silver, Gold, Platinum (by rank)

TYPE_SUFFIXES = {
    PartnerType.REFERRAL: ["Advisors", "Partners", "Consulting", "Group", "Associates"],
    PartnerType.RESELLER: ["Technologies", "Systems", "IT Solutions", "Software", "Direct", "Computing"],
    PartnerType.SYSTEMS_INTEGRATOR: ["Integrators", "Consulting", "Solutions", "Engineering", "Digital"],
    PartnerType.MSP: ["Managed IT", "Managed Services", "IT Services", "Networks", "Cloud Services"],
    PartnerType.ISV: ["Labs", "Software", "Analytics", "AI", "Data"],
    PartnerType.OEM: ["Devices", "Embedded", "Electronics", "Systems", "Industries"],
    PartnerType.CLOUD_MARKETPLACE: ["Cloud", "Cloud Services", "Marketplace", "Cloud Solutions"],
    PartnerType.AFFILIATE: ["Media", "Reviews", "Insights", "Digital", "Network"],
}
NAME_PREFIXES = [
    "Blue",
    "North",
    "Summit",
    "Bright",
    "Clear",
    "Iron",
    "Silver",
    "Peak",
    "Vertex",
    "Nimbus",
    "Cobalt",
    "Harbor",
    "Cedar",
    "Atlas",
    "Orbit",
    "Pioneer",
    "Keystone",
    "Lumen",
    "Quantum",
    "Meridian",
    "Beacon",
    "Apex",
    "Granite",
    "Red",
    "True",
    "Swift",
    "Evergreen",
    "Polar",
    "Crystal",
    "Falcon",
    "Zenith",
    "Nova",
    "Aurora",
    "Redwood",
    "Oak",
    "Stellar",
    "Cascade",
    "Horizon",
    "Signal",
    "Copper",
]
NAME_ROOTS = [
    "stone",
    "bridge",
    "field",
    "line",
    "point",
    "wave",
    "path",
    "gate",
    "logic",
    "ware",
    "sphere",
    "works",
    "view",
    "core",
    "shift",
    "stream",
    "forge",
    "light",
    "scale",
    "wind",
]
DESCRIPTIONS = {
    PartnerType.REFERRAL: "Advisory firm that introduces Northwind Software to {verticals} organisations in {country}.",
    PartnerType.RESELLER: "Value-added reseller of Northwind licences and support for {verticals} customers "
    "in {country}.",
    PartnerType.SYSTEMS_INTEGRATOR: "Systems integrator delivering Northwind implementations and integrations for "
    "{verticals} clients in {country}.",
    PartnerType.MSP: "Managed service provider running Northwind as a managed service for {verticals} customers "
    "in {country}.",
    PartnerType.ISV: "Software vendor whose product integrates with the Northwind platform; strongest in {verticals}.",
    PartnerType.OEM: "Embeds Northwind technology in its own {verticals} products, sold under its brand from "
    "{country}.",
    PartnerType.CLOUD_MARKETPLACE: "Cloud marketplace and distributor offering Northwind subscriptions to "
    "{verticals} customers in {country}.",
    PartnerType.AFFILIATE: "Content and review site that refers {verticals} buyers to Northwind from {country}.",
}
EMPLOYEES = {  # (low, high), drawn log-uniformly
    PartnerType.REFERRAL: (2, 80),
    PartnerType.RESELLER: (10, 800),
    PartnerType.SYSTEMS_INTEGRATOR: (25, 5000),
    PartnerType.MSP: (10, 600),
    PartnerType.ISV: (15, 1500),
    PartnerType.OEM: (50, 20000),
    PartnerType.CLOUD_MARKETPLACE: (100, 25000),
    PartnerType.AFFILIATE: (2, 60),
}
JOB_TITLES = {
    "admin": [
        "Managing Director",
        "Head of Partnerships",
        "Alliance Director",
        "CEO",
        "Partner Manager",
        "VP Business Development",
        "Founder",
    ],
    PartnerFunction.SALES: ["Account Executive", "Sales Director", "Senior Account Manager", "Inside Sales Rep"],
    PartnerFunction.MARKETING: ["Marketing Manager", "Demand Generation Lead", "Field Marketing Manager"],
    PartnerFunction.TECHNICAL: ["Solutions Architect", "Pre-sales Engineer", "Senior Consultant", "Technical Lead"],
    PartnerFunction.EXECUTIVE: ["COO", "CTO", "Chief Revenue Officer"],
    PartnerFunction.OTHER: ["Operations Manager", "Office Manager", "Finance Manager"],
}
USER_FUNCTIONS = (
    [PartnerFunction.SALES] * 5
    + [PartnerFunction.TECHNICAL] * 3
    + [PartnerFunction.MARKETING] * 2
    + [PartnerFunction.EXECUTIVE, PartnerFunction.OTHER]
)
PROMOTION_REASONS = {
    1: [
        "Completed onboarding and met the Silver requirements at the quarterly review.",
        "Two sales and one technical certification earned; five registered deals.",
        "Passed $100k partner-sourced bookings.",
    ],
    2: [
        "Crossed $500k partner-sourced bookings and delivered a reference implementation.",
        "Quarterly tier review: all Gold requirements met.",
        "Four certified sellers and fifteen registered deals in the last twelve months.",
    ],
    3: [
        "Crossed $2M partner-sourced bookings with three reference implementations.",
        "Annual review: strategic partner, approved by the program committee.",
        "Quarterly tier review: all Platinum requirements met.",
    ],
}

# Country -> (people locale, address locale or None for a built-in address, TLD, legal forms, phone pattern)
COUNTRIES = {
    "US": ("en_US", "en_US", "com", ["Inc.", "LLC", "Corp."], "+1 (N##) N##-####"),
    "CA": ("en_CA", "en_CA", "ca", ["Inc.", "Ltd."], "+1 (N##) N##-####"),
    "BR": ("pt_BR", "pt_BR", "com.br", ["Ltda.", "S.A."], "+55 11 ####-####"),
    "MX": ("es_MX", "es_MX", "com.mx", ["S.A. de C.V."], "+52 55 #### ####"),
    "AR": ("es_AR", "es_AR", "com.ar", ["S.A.", "S.R.L."], "+54 11 ####-####"),
    "CL": ("es_CL", "es_CL", "cl", ["SpA", "Ltda."], "+56 2 #### ####"),
    "CO": ("es_CO", "es_CO", "co", ["S.A.S."], "+57 601 ### ####"),
    "GB": ("en_GB", "en_GB", "co.uk", ["Ltd", "Limited", "plc"], "+44 20 #### ####"),
    "DE": ("de_DE", "de_DE", "de", ["GmbH", "AG"], "+49 N# #######"),
    "FR": ("fr_FR", "fr_FR", "fr", ["SAS", "SARL"], "+33 1 ## ## ## ##"),
    "NL": ("nl_NL", "nl_NL", "nl", ["B.V."], "+31 20 ### ####"),
    "ES": ("es_ES", "es_ES", "es", ["S.L.", "S.A."], "+34 91 ### ## ##"),
    "IT": ("it_IT", "it_IT", "it", ["S.r.l.", "S.p.A."], "+39 02 #### ####"),
    "SE": ("sv_SE", "sv_SE", "se", ["AB"], "+46 8 ### ### ##"),
    "ZA": ("zu_ZA|en_GB", "zu_ZA", "co.za", ["(Pty) Ltd"], "+27 21 ### ####"),
    "AE": ("ar|en_IN|en_GB", None, "ae", ["FZ-LLC", "LLC"], "+971 4 ### ####"),
    "AU": ("en_AU", "en_AU", "com.au", ["Pty Ltd"], "+61 2 #### ####"),
    "JP": ("ja", "ja_JP", "co.jp", ["K.K."], "+81 3-####-####"),
    "IN": ("en_IN", "en_IN", "in", ["Pvt. Ltd."], "+91 22 #### ####"),
    "SG": ("sg", None, "com.sg", ["Pte. Ltd."], "+65 6### ####"),
    "KR": ("kr", "ko_KR", "co.kr", ["Co., Ltd."], "+82 2-####-####"),
    "NZ": ("en_NZ", "en_NZ", "co.nz", ["Limited"], "+64 9 ### ####"),
}
# Romanised names where Faker's locale writes another script (e-mail addresses must be ASCII).
ROMANISED = {
    "ar": (
        [
            "Omar",
            "Layla",
            "Khalid",
            "Fatima",
            "Ahmed",
            "Mariam",
            "Yousef",
            "Noura",
            "Hamad",
            "Aisha",
            "Rashid",
            "Sara",
            "Tariq",
            "Huda",
            "Saeed",
            "Reem",
        ],
        [
            "Al Mansoori",
            "Al Hashimi",
            "Haddad",
            "Khoury",
            "Nasser",
            "Al Falasi",
            "Saleh",
            "Rahman",
            "Al Suwaidi",
            "Farouk",
            "Al Zaabi",
            "Mansour",
        ],
    ),
    "sg": (
        [
            "Wei Ming",
            "Jia Hui",
            "Daniel",
            "Rachel",
            "Kelvin",
            "Shu Fen",
            "Marcus",
            "Priya",
            "Ravi",
            "Mei Ling",
            "Jun Jie",
            "Hui Min",
            "Farid",
            "Nurul",
        ],
        ["Tan", "Lim", "Lee", "Ng", "Ong", "Wong", "Goh", "Chua", "Koh", "Teo", "Chan", "Rahman", "Nair"],
    ),
    "kr": (
        [
            "Minjun",
            "Seoyeon",
            "Jiwoo",
            "Hyunwoo",
            "Jisoo",
            "Dohyun",
            "Yuna",
            "Jihoon",
            "Soyeon",
            "Taeyang",
            "Eunji",
            "Sungmin",
        ],
        ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Shin"],
    ),
}
BUILT_IN_ADDRESSES = {
    "AE": [
        "Office {n}, Building {b}, Dubai Internet City\nDubai",
        "Floor {f}, Al Moosa Tower {b}, Sheikh Zayed Road\nDubai",
        "Office {n}, Al Maryah Island\nAbu Dhabi",
        "Unit {n}, Building {b}, Dubai Silicon Oasis\nDubai",
    ],
    "SG": [
        "{b} Raffles Place, #{f:02d}-{u:02d}\nSingapore 048{p}",
        "{b} Anson Road, #{f:02d}-{u:02d}\nSingapore 079{p}",
        "{b} Science Park Drive, #{f:02d}-{u:02d}\nSingapore 118{p}",
        "{b} Changi Business Park Central, #{f:02d}-{u:02d}\nSingapore 486{p}",
    ],
}

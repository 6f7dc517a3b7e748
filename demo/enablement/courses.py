"""The demo's enablement courses: Northwind Software's courses on its cloud data-integration platform, with
their lessons and real exams (demo/enablement/catalogue.py builds them through enablement's services)."""

from partners.models import PartnerType

# (title, kind, minutes, min tier name or None, partner types or [], summary, lessons [(title, markdown)],
#  quiz (title, pass mark, limit, cooldown, per attempt, [(text, kind, [(choice, correct)])]))
COURSES = [
    (
        "Welcome to the Northwind partner program",
        "onboarding",
        25,
        None,
        [],
        "How the program works: tiers, deal registration, MDF and where to get help.",
        [
            (
                "The program in ten minutes",
                "Northwind Software builds **Northwind Flow**, a cloud data-integration "
                "platform. Partners resell it, implement it and build on it.\n\n- **Tiers**: Registered, Silver, Gold and "  # noqa: E501
                "Platinum. Higher tiers earn higher margins, longer deal protection and market development funds.\n"
                "- **Certifications** count towards your tier: each tier asks for a number of people with a sales and a "  # noqa: E501
                "technical certification.\n- **Your channel manager** is your first contact for anything commercial.",
            ),
            (
                "Registering deals",
                "Register every opportunity in the portal **before** you present pricing. An approved "
                "registration protects the customer for you for 90 days (120 at Platinum). The first partner to "
                "register a customer wins; you will be told if an account is already protected, never by whom.",
            ),
            (
                "Getting help",
                "Technical questions go to the partner support desk from the portal. Collateral, battle "
                "cards and price sheets are in the **Library**; what you see there depends on your tier.",
            ),
        ],
        (
            "Program check",
            60,
            0,
            0,
            None,
            [
                (
                    "How long does an approved deal registration protect a customer for a Gold partner?",
                    "single",
                    [("30 days", False), ("90 days", True), ("365 days", False)],
                ),
                (
                    "What counts towards your partner tier?",
                    "multiple",
                    [
                        ("People with a sales certification", True),
                        ("People with a technical certification", True),
                        ("The number of logins to the portal", False),
                    ],
                ),
                (
                    "When should you register a deal?",
                    "single",
                    [
                        ("Before presenting pricing to the customer", True),
                        ("After the customer signs", False),
                        ("Only for deals over $100,000", False),
                    ],
                ),
            ],
        ),
    ),
    (
        "Northwind Flow fundamentals",
        "sales",
        45,
        None,
        [],
        "What Northwind Flow does, who buys it and why: the story every seller needs.",
        [
            (
                "The problem we solve",
                "Companies run hundreds of SaaS applications and databases. Getting their data "
                "into one warehouse is slow, fragile hand-written code. **Northwind Flow** moves data from 300+ sources "  # noqa: E501
                "into Snowflake, BigQuery, Redshift or Databricks with managed connectors, change data capture and "
                "automatic schema handling.",
            ),
            (
                "Who buys it",
                "Our buyers are the **head of data** or **data engineering manager**; the economic buyer is "
                "usually the CIO or CFO. Typical triggers: a new warehouse project, an engineer leaving who owned the "
                "scripts, or reporting that is always a day late.",
            ),
            (
                "Pricing and packaging",
                "Flow is priced by **monthly active rows** (MAR) in three editions: Starter, "
                "Business and Enterprise. Enterprise adds private networking, customer-managed keys and a 99.9 % SLA. "
                "Annual commitments earn a discount; overage is billed monthly.",
            ),
        ],
        (
            "Fundamentals quiz",
            70,
            3,
            0,
            None,
            [
                (
                    "What is Northwind Flow priced by?",
                    "single",
                    [("Monthly active rows", True), ("Number of users", False), ("Number of connectors", False)],
                ),
                (
                    "Which are typical buying triggers?",
                    "multiple",
                    [
                        ("A new cloud warehouse project", True),
                        ("The engineer who owned the scripts leaves", True),
                        ("The customer's office move", False),
                    ],
                ),
                (
                    "Which edition includes customer-managed keys?",
                    "single",
                    [("Starter", False), ("Business", False), ("Enterprise", True)],
                ),
            ],
        ),
    ),
    (
        "Selling data integration: discovery and objections",
        "sales",
        60,
        None,
        [],
        "Run discovery, quantify the pain, handle the build-versus-buy objection, and close.",
        [
            (
                "Discovery questions",
                "Ask how many sources feed the warehouse today, who maintains the pipelines, how "
                "often they break, and how fresh the dashboards are. Quantify: *engineer hours per month on pipeline "
                "maintenance × loaded cost* is the number that wins budgets.",
            ),
            (
                "Build versus buy",
                "The most common objection is *we can build this ourselves*. Agree that they can, "
                "then price the upkeep: APIs change every month, and every change is an outage. Flow's connectors are "
                "maintained by Northwind, so schema and API changes are our problem, not theirs.",
            ),
            (
                "Security questions",
                "Flow is SOC 2 Type II and ISO 27001 certified, encrypts data in transit and at "
                "rest, and processes data in the region the customer chooses. Send the security pack from the Library "
                "early: security review is the usual reason deals slip.",
            ),
        ],
        (
            "Certified Sales Professional exam",
            75,
            3,
            60,
            6,
            [
                (
                    "A prospect says 'we can build this ourselves'. What is the best first response?",
                    "single",
                    [
                        ("Agree, then quantify the cost of maintaining pipelines", True),
                        ("Offer a 50 % discount", False),
                        ("Tell them building is impossible", False),
                    ],
                ),
                (
                    "Which numbers make the strongest business case?",
                    "multiple",
                    [
                        ("Engineer hours spent on pipeline maintenance", True),
                        ("Cost of late or wrong reports", True),
                        ("The number of slides in our deck", False),
                    ],
                ),
                (
                    "Who is usually the economic buyer?",
                    "single",
                    [("The CIO or CFO", True), ("A data analyst", False), ("The office manager", False)],
                ),
                (
                    "What is the usual reason integration deals slip?",
                    "single",
                    [("Security review", True), ("Too many features", False), ("Holiday season only", False)],
                ),
                (
                    "Which certifications does Northwind Flow hold?",
                    "multiple",
                    [("SOC 2 Type II", True), ("ISO 27001", True), ("PCI DSS Level 1 for card issuing", False)],
                ),
                (
                    "Why are maintained connectors valuable to the customer?",
                    "single",
                    [
                        ("API and schema changes are handled by Northwind", True),
                        ("They run on the customer's laptop", False),
                        ("They remove the need for a warehouse", False),
                    ],
                ),
                (
                    "What should you ask in discovery?",
                    "multiple",
                    [
                        ("How many sources feed the warehouse", True),
                        ("How often pipelines break", True),
                        ("Their favourite programming language", False),
                    ],
                ),
                (
                    "When should you send the security pack?",
                    "single",
                    [("Early in the sales cycle", True), ("After the contract is signed", False), ("Never", False)],
                ),
            ],
        ),
    ),
    (
        "Connectors and pipelines in practice",
        "technical",
        90,
        None,
        [],
        "Set up sources and destinations, choose sync modes, and read the pipeline monitor.",
        [
            (
                "Sources and destinations",
                "A **connector** reads from a source (Salesforce, PostgreSQL, Stripe...) and "
                "a **destination** is the warehouse. Create the destination first, then add sources; each source gets "
                "its own schema in the warehouse.",
            ),
            (
                "Sync modes",
                "**Full refresh** re-reads everything; use it only for small tables. **Incremental** reads "
                "rows changed since the last cursor value. **Change data capture (CDC)** reads the database log "
                "(PostgreSQL logical replication, MySQL binlog) and captures deletes too.",
            ),
            (
                "Monitoring",
                "The pipeline monitor shows freshness, rows synced and errors per table. Set an alert on "
                "freshness rather than on failures: a stuck pipeline that does not fail is the dangerous one.",
            ),
        ],
        (
            "Pipelines quiz",
            70,
            3,
            0,
            None,
            [
                (
                    "Which sync mode captures deleted rows from PostgreSQL?",
                    "single",
                    [
                        ("Change data capture", True),
                        ("Full refresh of a view", False),
                        ("Incremental by updated_at", False),
                    ],
                ),
                (
                    "What should you alert on first?",
                    "single",
                    [("Data freshness", True), ("CPU of your laptop", False), ("Number of tables", False)],
                ),
                ("Which are destinations?", "multiple", [("Snowflake", True), ("BigQuery", True), ("Stripe", False)]),
            ],
        ),
    ),
    (
        "Implementing Northwind Flow: deployment, security and operations",
        "technical",
        120,
        None,
        [],
        "Network options, access control, secrets, and running Flow in production.",
        [
            (
                "Networking",
                "Flow connects to sources over the internet with IP allow-listing, through an **SSH "
                "tunnel**, or (Enterprise) over **private link**. Never open a database to the whole internet.",
            ),
            (
                "Access control",
                "Use SSO with SCIM provisioning. Give engineers the *Editor* role per workspace; keep "
                "*Admin* to two people. Service accounts for the API get the narrowest scope.",
            ),
            (
                "Operating in production",
                "Use one workspace per environment (dev, prod). Promote pipeline changes "
                "with the API or Terraform provider, not by hand, and schedule heavy historical syncs off-peak.",
            ),
        ],
        (
            "Certified Implementation Engineer exam",
            80,
            3,
            60,
            6,
            [
                (
                    "Which network options does Flow support?",
                    "multiple",
                    [
                        ("IP allow-listing", True),
                        ("SSH tunnel", True),
                        ("Private link (Enterprise)", True),
                        ("A public database without restriction", False),
                    ],
                ),
                (
                    "How should production changes be promoted?",
                    "single",
                    [
                        ("With the API or the Terraform provider", True),
                        ("By hand in production", False),
                        ("By e-mailing support", False),
                    ],
                ),
                (
                    "How many people should hold the Admin role?",
                    "single",
                    [("A small number, such as two", True), ("Everyone", False), ("Nobody", False)],
                ),
                (
                    "Which sync mode reads the database log?",
                    "single",
                    [("CDC", True), ("Full refresh", False), ("Manual upload", False)],
                ),
                (
                    "Which practices keep environments apart?",
                    "multiple",
                    [
                        ("One workspace per environment", True),
                        ("Separate service accounts per environment", True),
                        ("Sharing one admin password", False),
                    ],
                ),
                (
                    "When should a large historical sync run?",
                    "single",
                    [("Off-peak", True), ("During month-end close", False), ("Only on Mondays at 9:00", False)],
                ),
                (
                    "What provisions users from the identity provider?",
                    "single",
                    [("SCIM", True), ("FTP", False), ("SNMP", False)],
                ),
            ],
        ),
    ),
    (
        "Architecting enterprise data platforms with Northwind",
        "specialty",
        150,
        "Gold",
        [PartnerType.SYSTEMS_INTEGRATOR, PartnerType.RESELLER, PartnerType.CLOUD_MARKETPLACE, PartnerType.MSP],
        "Reference architectures for regulated, multi-region and high-volume customers.",
        [
            (
                "Reference architecture",
                "Land raw data with Flow into a **bronze** layer, transform with dbt into "
                "**silver** and **gold** layers, and serve BI and ML from gold. Keep Flow's schemas read-only for "
                "analysts.",
            ),
            (
                "Multi-region and residency",
                "Pick the processing region per workspace to keep data in the EU or US. "
                "For global customers use one workspace per region and merge in the warehouse.",
            ),
            (
                "Scaling to billions of rows",
                "Use CDC for large operational databases, partition destination tables by "
                "sync date, and size the warehouse for merges, not for reads.",
            ),
        ],
        (
            "Certified Architect exam",
            80,
            2,
            240,
            5,
            [
                (
                    "Where should analysts query from in a bronze/silver/gold design?",
                    "single",
                    [("The gold layer", True), ("The raw bronze schemas", False), ("The source databases", False)],
                ),
                (
                    "How do you keep EU data in the EU?",
                    "single",
                    [
                        ("Choose the EU processing region for the workspace", True),
                        ("Ask users to be careful", False),
                        ("Encrypt it twice", False),
                    ],
                ),
                (
                    "What helps at billions of rows?",
                    "multiple",
                    [
                        ("CDC for large operational databases", True),
                        ("Partitioning by sync date", True),
                        ("Full refresh every hour", False),
                    ],
                ),
                (
                    "What is the warehouse sized for in high-volume loads?",
                    "single",
                    [("Merges", True), ("Screen resolution", False), ("Number of dashboards", False)],
                ),
                (
                    "Which tool is suggested for transformations?",
                    "single",
                    [("dbt", True), ("A spreadsheet macro", False), ("Flow's connector settings", False)],
                ),
                (
                    "For global customers, how many workspaces?",
                    "single",
                    [("One per region", True), ("Exactly one", False), ("One per analyst", False)],
                ),
            ],
        ),
    ),
    (
        "Building custom connectors with the Northwind SDK",
        "developer",
        90,
        None,
        [PartnerType.ISV, PartnerType.OEM],
        "Write, test and publish a connector for your own product with the Connector SDK.",
        [
            (
                "The SDK in brief",
                "A connector is a Python package with a `schema()` function that declares tables and "
                "an `update(state)` function that yields rows and returns the new cursor state. The SDK handles "
                "retries, batching and checkpoints.",
            ),
            (
                "Testing",
                "Run `northwind debug` to sync into a local DuckDB file. Write tests for the cursor logic: "
                "the most common bug is a cursor that skips rows updated in the same second.",
            ),
            (
                "Publishing",
                "Submit the connector for review from the partner portal. Certified connectors appear in "
                "the Flow catalogue with your logo and earn the ISV referral rate.",
            ),
        ],
        (
            "SDK quiz",
            70,
            3,
            0,
            None,
            [
                (
                    "Which function yields rows?",
                    "single",
                    [("update(state)", True), ("schema()", False), ("main()", False)],
                ),
                (
                    "What is the most common cursor bug?",
                    "single",
                    [
                        ("Skipping rows updated in the same second", True),
                        ("Using Python", False),
                        ("Too many comments", False),
                    ],
                ),
            ],
        ),
    ),
]

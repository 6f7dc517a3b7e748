"""Demo catalogue of enablement, called by `seed_demo`: Northwind Software's courses on its cloud
data-integration platform, three certifications with real exams, a learning path per partner type,
library collateral across tiers, and learners at every stage. Idempotent; bulk for large demos."""

import random
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import PARTNER_ROLES, User
from enablement import services
from enablement.documents import simple_pdf
from enablement.models import (
    Certificate,
    CertificateStatus,
    Certification,
    Choice,
    Course,
    Enrolment,
    EnrolmentStatus,
    LearningPath,
    LearningPathStep,
    Lesson,
    LessonCompletion,
    LibraryAsset,
    LibraryAssetVersion,
    Question,
    Quiz,
    encode_types,
    new_verification_code,
)
from partners.models import PartnerType, Tier

MAX_GENERATED_LEARNERS = 400  # bulk-created certificates for generated people: enough for charts, quick at 5000

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

CERTIFICATIONS = [
    ("Certified Sales Professional", "sales", "Selling data integration: discovery and objections",
     ["Northwind Flow fundamentals", "Selling data integration: discovery and objections"],
     "Proves a seller can position Northwind Flow, run discovery and handle objections."),
    ("Certified Implementation Engineer", "technical", "Implementing Northwind Flow: deployment, security and operations",  # noqa: E501
     ["Connectors and pipelines in practice", "Implementing Northwind Flow: deployment, security and operations"],
     "Proves an engineer can deploy, secure and operate Northwind Flow for customers."),
    ("Certified Architect", "specialty", "Architecting enterprise data platforms with Northwind",
     ["Implementing Northwind Flow: deployment, security and operations",
      "Architecting enterprise data platforms with Northwind"],
     "Proves an architect can design regulated, multi-region and high-volume platforms on Northwind."),
]  # fmt: skip

LIBRARY = [
    ("Northwind Flow pitch deck", "pitch_deck", None, [], "The first-meeting story: problem, product, proof."),
    ("Battle card: Northwind vs. hand-built pipelines", "battle_card", None, [], "Answers to build-versus-buy."),
    ("Case study: Contoso Retail cuts reporting lag to 15 minutes", "case_study", None, [], "Retail, 40 sources."),
    ("Security and compliance white paper", "white_paper", None, [], "SOC 2, ISO 27001, data residency."),
    ("Partner price sheet (Silver)", "price_sheet", "Silver", [], "Partner discounts by edition."),
    ("Partner price sheet (Gold and Platinum)", "price_sheet", "Gold", [], "Deeper discounts and deal-size bands."),
    ("Campaign in a box: modern data stack webinar", "campaign", "Gold", [], "Invites, slides, follow-up e-mails."),
    ("Platinum executive briefing kit", "pitch_deck", "Platinum", [], "Board-level briefing and ROI model."),
    ("MSP managed-service playbook", "campaign", None, [PartnerType.MSP], "Packaging Flow as a managed service."),
    ("OEM embedding guide", "white_paper", None, [PartnerType.OEM, PartnerType.ISV], "Embedding Flow in your product."),
]


def seed(*, seed: int, partners: int, stdout) -> None:
    rng = random.Random(seed)  # noqa: S311  (demo data, not security)
    with transaction.atomic():
        created = _catalogue()
        _library()
    fixed = _fixed_learners()
    generated = _generated_learners(rng)
    stdout.write(
        f"Enablement: {'catalogue created' if created else 'catalogue kept'}, {fixed} demo learners walked through "
        f"courses, {generated} certificates for generated people."
    )


def _catalogue() -> bool:
    if Course.objects.filter(title=COURSES[0][0]).exists():
        return False
    tiers = {tier.name: tier for tier in Tier.objects.all()}
    for title, kind, minutes, min_tier, types, summary, lessons, quiz in COURSES:
        course = Course.objects.create(
            title=title,
            kind=kind,
            estimated_minutes=minutes,
            min_tier=tiers.get(min_tier) if min_tier else None,
            audience_types=encode_types(types),
            summary=summary,
            published=True,
        )
        Lesson.objects.bulk_create(
            Lesson(course=course, position=i, title=lesson_title, body=body)
            for i, (lesson_title, body) in enumerate(lessons, start=1)
        )
        quiz_title, pass_mark, limit, cooldown, per_attempt, questions = quiz
        created_quiz = Quiz.objects.create(
            course=course,
            title=quiz_title,
            position=1,
            pass_mark=pass_mark,
            attempt_limit=limit,
            cooldown_minutes=cooldown,
            questions_per_attempt=per_attempt,
        )
        for q_pos, (text, kind_, choices) in enumerate(questions, start=1):
            question = Question.objects.create(quiz=created_quiz, position=q_pos, text=text, kind=kind_)
            Choice.objects.bulk_create(
                Choice(question=question, position=c_pos, text=choice, is_correct=correct)
                for c_pos, (choice, correct) in enumerate(choices, start=1)
            )
    courses = {course.title: course for course in Course.objects.all()}
    for name, kind, exam_course, required, description in CERTIFICATIONS:
        certification = Certification.objects.create(
            name=name, kind=kind, description=description, exam=courses[exam_course].quizzes.get(), validity_months=12
        )
        certification.required_courses.set([courses[title] for title in required])
    certifications = {c.kind: c for c in Certification.objects.all()}
    onboarding = courses[COURSES[0][0]]
    sales_steps = [
        onboarding,
        courses["Northwind Flow fundamentals"],
        courses[CERTIFICATIONS[0][2]],
        certifications["sales"],
    ]
    technical_steps = [
        courses["Connectors and pipelines in practice"],
        courses[CERTIFICATIONS[1][2]],
        certifications["technical"],
    ]
    plans = {
        PartnerType.REFERRAL: [onboarding, courses["Northwind Flow fundamentals"]],
        PartnerType.AFFILIATE: [onboarding, courses["Northwind Flow fundamentals"]],
        PartnerType.RESELLER: sales_steps + technical_steps[:1],
        PartnerType.SYSTEMS_INTEGRATOR: [onboarding] + technical_steps + [courses[CERTIFICATIONS[2][2]]],
        PartnerType.MSP: [onboarding] + technical_steps,
        PartnerType.ISV: [onboarding, courses["Building custom connectors with the Northwind SDK"]] + technical_steps[:1],  # noqa: E501
        PartnerType.OEM: [onboarding, courses["Building custom connectors with the Northwind SDK"]] + technical_steps,
        PartnerType.CLOUD_MARKETPLACE: sales_steps,
    }  # fmt: skip
    labels = dict(PartnerType.choices)
    for partner_type, steps in plans.items():
        path = LearningPath.objects.create(
            name=f"{labels[partner_type]} partner path",
            description=f"The recommended order for {labels[partner_type].lower()} partners, from onboarding to certification.",  # noqa: E501
            audience_types=encode_types([partner_type]),
            published=True,
        )
        LearningPathStep.objects.bulk_create(
            LearningPathStep(
                path=path,
                position=i,
                course=step if isinstance(step, Course) else None,
                certification=step if isinstance(step, Certification) else None,
            )
            for i, step in enumerate(steps, start=1)
        )
    return True


def _library() -> None:
    if LibraryAsset.objects.exists():
        return
    tiers = {tier.name: tier for tier in Tier.objects.all()}
    for title, category, min_tier, types, description in LIBRARY:
        asset = LibraryAsset.objects.create(
            title=title,
            description=description,
            category=category,
            min_tier=tiers.get(min_tier) if min_tier else None,
            audience_types=encode_types(types),
            published=True,
        )
        for number in (1, 2) if category == "pitch_deck" else (1,):
            content = simple_pdf(
                f"{title} (v{number})",
                [description, "Northwind Flow moves data from 300+ sources into your warehouse with managed "
                 "connectors and change data capture.", "For partner use only. Do not distribute to customers "
                 "without your channel manager's approval."],
            )  # fmt: skip
            name = f"{title.lower().replace(' ', '-').replace(':', '').replace('.', '')[:60]}-v{number}.pdf"
            version = LibraryAssetVersion(asset=asset, number=number, original_name=name, size=len(content))
            version.file.save(name, ContentFile(content), save=False)
            version.save()


def _answers(attempt, right: bool) -> dict:
    answers = {}
    for question in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices"):
        choices = list(question.choices.all())
        picked = [c.pk for c in choices if c.is_correct] if right else [next(c.pk for c in choices if not c.is_correct)]
        answers[str(question.pk)] = picked
    return answers


def _finish(user, course):
    services.enrol(user=user, course=course)
    for lesson in course.lessons.all():
        services.complete_lesson(user=user, lesson=lesson)
    for quiz in course.quizzes.all():
        attempt = services.open_attempt(user=user, quiz=quiz)
        services.submit_attempt(user=user, quiz=quiz, answers=_answers(attempt, right=True))


def _fixed_learners() -> int:
    """alice: certified in sales and technical (sales expiring soon); bob: certified sales, halfway through the
    implementation course; carol: failed the sales exam once, one lesson into the fundamentals."""
    people = {
        u.email: u
        for u in User.objects.filter(email__in=["alice@acme.example", "bob@acme.example", "carol@globex.example"])
    }
    if not people or Enrolment.objects.filter(user__in=people.values()).exists():
        return 0
    courses = {course.title: course for course in Course.objects.all()}
    certifications = {c.kind: c for c in Certification.objects.all()}
    walked = 0
    alice = people.get("alice@acme.example")
    if alice:
        for title in [COURSES[0][0], "Northwind Flow fundamentals", CERTIFICATIONS[0][2],
                      "Connectors and pipelines in practice", CERTIFICATIONS[1][2]]:  # fmt: skip
            _finish(alice, courses[title])
        Certificate.objects.filter(user=alice, certification=certifications["sales"]).update(
            issued_at=timezone.now() - timedelta(days=345), expires_at=timezone.now() + timedelta(days=20)
        )
        walked += 1
    bob = people.get("bob@acme.example")
    if bob:
        for title in [COURSES[0][0], "Northwind Flow fundamentals", CERTIFICATIONS[0][2]]:
            _finish(bob, courses[title])
        implementation = courses[CERTIFICATIONS[1][2]]
        services.enrol(user=bob, course=implementation)
        services.complete_lesson(user=bob, lesson=implementation.lessons.first())
        walked += 1
    carol = people.get("carol@globex.example")
    if carol:
        services.enrol(user=carol, course=courses["Northwind Flow fundamentals"])
        services.complete_lesson(user=carol, lesson=courses["Northwind Flow fundamentals"].lessons.first())
        exam_course = courses[CERTIFICATIONS[0][2]]
        services.enrol(user=carol, course=exam_course)
        quiz = exam_course.quizzes.get()
        attempt = services.open_attempt(user=carol, quiz=quiz)
        services.submit_attempt(user=carol, quiz=quiz, answers=_answers(attempt, right=False))
        walked += 1
    return walked


def _generated_learners(rng) -> int:
    """Bulk: enrolments and certificates for up to MAX_GENERATED_LEARNERS generated partner people."""
    fixed = ["alice@acme.example", "bob@acme.example", "carol@globex.example"]
    people = list(
        User.objects.filter(role__in=PARTNER_ROLES, is_active=True, partner__isnull=False)
        .exclude(email__in=fixed)
        .exclude(enrolments__isnull=False)
        .order_by("pk")
        .values_list("pk", "partner_id")[:MAX_GENERATED_LEARNERS]
    )
    if not people or Certificate.objects.exclude(user__email__in=fixed).exists():
        return 0
    certifications = list(Certification.objects.prefetch_related("required_courses"))
    courses = list(Course.objects.all())
    now = timezone.now()
    enrolments, certificates = [], []
    for user_id, partner_id in people:
        stage = rng.random()
        taken = rng.sample(courses, k=rng.randint(1, 3))
        for course in taken:
            done = stage > 0.3
            enrolments.append(
                Enrolment(
                    user_id=user_id,
                    partner_id=partner_id,
                    course=course,
                    status=EnrolmentStatus.COMPLETED if done else EnrolmentStatus.IN_PROGRESS,
                    enrolled_at=now - timedelta(days=rng.randint(20, 300)),
                    completed_at=now - timedelta(days=rng.randint(1, 19)) if done else None,
                )
            )
        if stage > 0.45:
            for certification in rng.sample(certifications, k=rng.randint(1, 2)):
                issued = now - timedelta(days=rng.randint(5, 420))
                expires = issued + timedelta(days=365)
                certificates.append(
                    Certificate(
                        certification=certification,
                        user_id=user_id,
                        partner_id=partner_id,
                        verification_code=new_verification_code(),
                        issued_at=issued,
                        expires_at=expires,
                        status=CertificateStatus.VALID if expires > now else CertificateStatus.EXPIRED,
                    )
                )
    Enrolment.objects.bulk_create(enrolments, batch_size=1000, ignore_conflicts=True)
    Certificate.objects.bulk_create(certificates, batch_size=1000, ignore_conflicts=True)
    lessons_of: dict[int, list[int]] = {}
    for lesson_id, course_id in Lesson.objects.values_list("pk", "course_id"):
        lessons_of.setdefault(course_id, []).append(lesson_id)
    completed = Enrolment.objects.filter(status=EnrolmentStatus.COMPLETED, user_id__in=[p for p, _ in people])
    LessonCompletion.objects.bulk_create(
        (
            LessonCompletion(enrolment_id=enrolment_id, lesson_id=lesson_id)
            for enrolment_id, course_id in completed.values_list("pk", "course_id").iterator()
            for lesson_id in lessons_of.get(course_id, [])
        ),
        batch_size=1000,
        ignore_conflicts=True,
    )
    return len(certificates)

"""Partner organisations, the tiers of the program, and the partner lifecycle.

Aggregate roots: Partner (status onboarding -> active -> suspended | terminated; tier changes recorded
as TierChange rows; at risk between two tier reviews), Tier (ranked; requirements measured over the
trailing 12 months; benefits), Application (submitted -> in_review -> approved | rejected; scored on
weighted OPP criteria into a fit x willingness quadrant), OnboardingStep / OnboardingCompletion (the
checklist by partner type), JointBusinessPlan (one per partner and quarter, with check-ins), TierReview
(one per quarter; one outcome per partner) and TierOverride (a channel manager's reasoned exception).

The models live by aggregate in this package's modules; every name is importable from partners.models.
"""

from partners.models.onboarding import (  # noqa: F401
    AgreementAcceptance,
    OnboardingCompletion,
    OnboardingStep,
    OnboardingStepKind,
    PartnerAgreement,
)
from partners.models.organisation import (  # noqa: F401
    Partner,
    PartnerQuerySet,
    PartnerStatus,
    PartnerType,
    Region,
    RequirementMetric,
    Specialisation,
    Tier,
    TierChange,
    TierQuerySet,
    TierRequirement,
    Vertical,
)
from partners.models.plans import (  # noqa: F401
    BusinessPlanStatus,
    JointBusinessPlan,
    PlanCheckIn,
)
from partners.models.recruiting import (  # noqa: F401
    Application,
    ApplicationStatus,
    CriterionGroup,
    InternalOnlyQuerySet,
    OppCriterion,
    OppScore,
    PartnerOppAssessment,
    Quadrant,
)
from partners.models.reviews import (  # noqa: F401
    ReferenceImplementation,
    ReviewAction,
    TierOverride,
    TierOverrideDecision,
    TierReview,
    TierReviewOutcome,
)

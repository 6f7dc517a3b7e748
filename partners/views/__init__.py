"""Partner pages: profile (directory, partner page, team), lifecycle (onboarding, tiers, plans) and program
(tier reviews, program settings)."""

"""Market development funds: built by its own issue (see README, 'Roadmap')."""

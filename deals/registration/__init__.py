"""Deal registration's rules of engagement in one place (docs/policy.md):

- `register.register_deal`: first to register wins, read as the rule (lock, evidence, decision, write);
- `decision`: the decision itself, a pure function the policy simulation replays too (`simulation`);
- `evidence`: what the decision looks at; `lock`: the customer locks; `protection`: the end of protection;
- `review`: a channel manager's decisions; `reversal`: a dispute's re-decision;
- `outcome`: what the partner reads about it.
"""

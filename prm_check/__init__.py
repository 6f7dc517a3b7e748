"""prm_check: the command-line client of the portal's private availability check (docs/private-check.md).

`python -m prm_check prospects.csv --token TOKEN --url https://portal.example.com` normalises each prospect as
registration does (deals/normalisation.json through deals.normalisation, no Django), blinds the keys with PSI
(openmined-psi) and prints one answer per prospect. Only blinded keys leave the machine.
"""

"""The demo district (渝中区): its people, catalog, benchmarks, whistles, complaints and eight months of
cases.

Apart from the domain apps and above all of them: it imports their services, models and selectors and nothing
imports it. Every write goes through the apps' services, as a user's would, at the time it happened
(`enforcement.clock.at`), so numbers, deadlines, notifications and the audit trail are what the services made.

One module per domain (`core`, `authority`, `matching`, `discretion`, `whistles`, `cases` with `case_replay`),
each with a `seed(stdout)` that is idempotent; `seed.seed_all` runs them in order and `manage.py seed_demo`
calls it.
"""

"""Every route of the site: what each member of the cast gets for a GET, and the most queries it may cost.

tests/test_routes.py walks the URL resolver and fails on any route missing here, then requests each entry as
each member of the cast, with real objects for its arguments. One line per route:

    "route-name": E(anonymous, officer_a, officer_b, supervisor_a, reviewer_a, responder, admin, q=..., ...)

- The statuses, in COLUMNS' order. officer_a, supervisor_a and reviewer_a work in town A, officer_b in town B
  (the outsider), responder in the district's market department, admin in the district office. The world's
  objects (a case, a complaint, a whistle, an inspection...) belong to town A; the whistle and the inspection
  also involve the market department.
- `q`: the most queries any of them may cost. A list's count must not grow with its rows either: the N+1
  guards are in tests/api/test_list_queries.py.
- `args`: the URL's arguments, as names of the world's objects (`build_world` in tests/test_routes.py) or
  literal values after "=" ("case =withdraw"). `get`: a query string ("{name}" takes a world value). `path`:
  the URL itself, for a route without a name.

The key is the route's name with its namespace, or its pattern when it has none. A "*" entry covers every
route it matches (the admin site) and is requested on each of them, with "1" for its arguments. A GET of an
action that only accepts POST is 405 for whoever passes the login, which the table says too."""

from __future__ import annotations

from dataclasses import dataclass

COLUMNS = ("anonymous", "officer_a", "officer_b", "supervisor_a", "reviewer_a", "responder", "admin")


@dataclass(frozen=True)
class Expect:
    statuses: tuple[int, ...]
    queries: int
    args: str = ""
    get: str = ""
    path: str = ""


def E(*statuses: int, q: int, args: str = "", get: str = "", path: str = "") -> Expect:  # noqa: N802
    assert len(statuses) == len(COLUMNS), f"{len(statuses)} statuses for {len(COLUMNS)} columns"
    return Expect(statuses, q, args, get, path)


# fmt: off
ROUTES: dict[str, Expect] = {
    #                                     anon officer_a   sup_a      responder
    #                                          |    officer_b  reviewer_a  admin
    # --- core: landing page, team, sign-in, language, health, the API's own (schema, me, units, audit, token)
    "home":                               E(200, 200, 200, 200, 200, 200, 200, q=26),
    "team":                               E(302, 200, 200, 200, 200, 200, 200, q=8),
    "officers":                           E(302, 403, 403, 403, 403, 403, 200, q=12),
    "audit-list":                         E(302, 403, 403, 200, 403, 403, 200, q=7),
    "login":                              E(200, 302, 302, 302, 302, 302, 302, q=2),
    "logout":                             E(405, 405, 405, 405, 405, 405, 405, q=0),
    "set_language":                       E(302, 302, 302, 302, 302, 302, 302, q=0),
    "javascript-catalog":                 E(200, 200, 200, 200, 200, 200, 200, q=0),
    "healthz":                            E(200, 200, 200, 200, 200, 200, 200, q=0),
    "readyz":                             E(200, 200, 200, 200, 200, 200, 200, q=3),
    "favicon.ico":                        E(302, 302, 302, 302, 302, 302, 302, q=0, path="/favicon.ico"),
    "api-schema":                         E(200, 200, 200, 200, 200, 200, 200, q=5),
    "api-docs":                           E(200, 200, 200, 200, 200, 200, 200, q=3),
    "api-me":                             E(401, 200, 200, 200, 200, 200, 200, q=6),
    "api-units":                          E(401, 200, 200, 200, 200, 200, 200, q=6),
    "api-audit":                          E(401, 403, 403, 200, 403, 403, 200, q=6),
    "api-officers":                       E(401, 200, 404, 200, 200, 404, 200, q=10, get="town={town_a}"),
    "api-token":                          E(405, 405, 405, 405, 405, 405, 405, q=2),
    # --- authority lists (public pages and API, adjustments, usage)
    "authority-index":                    E(200, 200, 200, 200, 200, 200, 200, q=13),
    "authority-items":                    E(200, 200, 200, 200, 200, 200, 200, q=11),
    "authority-item":                     E(200, 200, 200, 200, 200, 200, 200, q=13, args="item"),
    "authority-town":                     E(200, 200, 200, 200, 200, 200, 200, q=9, args="town_a"),
    "authority-who":                      E(200, 200, 200, 200, 200, 200, 200, q=7,
                                            get="item={item_code}&town={town_a}"),
    "authority-export":                   E(200, 200, 200, 200, 200, 200, 200, q=6),
    "authority-import":                   E(302, 403, 403, 403, 403, 403, 200, q=6),
    "authority-adjustments":              E(302, 200, 200, 200, 200, 200, 200, q=7),
    "authority-adjustment-new":           E(302, 403, 403, 403, 403, 403, 200, q=5),
    "authority-adjustment":               E(302, 404, 404, 404, 404, 404, 200, q=13, args="adjustment"),
    "authority-usage":                    E(302, 200, 200, 200, 200, 403, 200, q=15),
    "api-authority-items":                E(200, 200, 200, 200, 200, 200, 200, q=3),
    "api-authority-item":                 E(200, 200, 200, 200, 200, 200, 200, q=4, args="item"),
    "api-authority-grants":               E(200, 200, 200, 200, 200, 200, 200, q=3),
    "api-authority-town-items":           E(200, 200, 200, 200, 200, 200, 200, q=4, args="town_a"),
    "api-authority-town-history":         E(200, 200, 200, 200, 200, 200, 200, q=4, args="town_a"),
    "api-authority-who-enforces":         E(200, 200, 200, 200, 200, 200, 200, q=6,
                                            get="item={item_code}&town={town_a}"),
    "api-authority-adjustments":          E(401, 200, 200, 200, 200, 200, 200, q=9),
    "api-authority-adjustment":           E(401, 404, 404, 404, 404, 404, 200, q=9, args="adjustment"),
    "api-authority-adjustment-lines":     E(401, 405, 405, 405, 405, 405, 405, q=2, args="adjustment"),
    "api-authority-adjustment-line":      E(401, 405, 405, 405, 405, 405, 405, q=2, args="adjustment line"),
    "api-authority-adjustment-approve":   E(401, 405, 405, 405, 405, 405, 405, q=2, args="adjustment"),
    "api-authority-adjustment-reject":    E(401, 405, 405, 405, 405, 405, 405, q=2, args="adjustment"),
    "api-authority-usage":                E(401, 200, 200, 200, 200, 403, 200, q=14),
    "api-authority-import":               E(401, 405, 405, 405, 405, 405, 405, q=2),
    # --- violation matching
    "matching:try":                       E(302, 200, 200, 200, 200, 200, 200, q=7),
    "matching:suggest":                   E(302, 200, 200, 200, 200, 200, 200, q=14, get="text=占道经营"),
    "matching:rules":                     E(302, 200, 200, 200, 200, 200, 200, q=10),
    "matching:item-rules":                E(302, 200, 200, 200, 200, 200, 200, q=12, args="item"),
    "matching:item-try":                  E(302, 405, 405, 405, 405, 405, 405, q=2, args="item"),
    "matching:rule-edit":                 E(302, 403, 403, 200, 403, 403, 200, q=6, args="rule"),
    "matching:rule-toggle":               E(302, 405, 405, 405, 405, 405, 405, q=2, args="rule"),
    "matching:rule-delete":               E(302, 405, 405, 405, 405, 405, 405, q=2, args="rule"),
    "matching:lexicon":                   E(302, 200, 200, 200, 200, 200, 200, q=7),
    "matching:lexicon-edit":              E(302, 403, 403, 200, 403, 403, 200, q=6, args="entry"),
    "matching:lexicon-toggle":            E(302, 405, 405, 405, 405, 405, 405, q=2, args="entry"),
    "matching:lexicon-delete":            E(302, 405, 405, 405, 405, 405, 405, q=2, args="entry"),
    "api-match":                          E(401, 405, 405, 405, 405, 405, 405, q=2),
    # --- discretion benchmarks
    "discretion-home":                    E(302, 200, 200, 200, 200, 200, 200, q=9),
    "discretion-item":                    E(302, 200, 200, 200, 200, 200, 200, q=15, args="item"),
    "discretion-draft-create":            E(302, 405, 405, 405, 405, 405, 405, q=2, args="item"),
    "discretion-generate":                E(302, 405, 405, 405, 405, 405, 405, q=2, args="item"),
    "discretion-generate-missing":        E(302, 405, 405, 405, 405, 405, 405, q=2),
    "discretion-benchmark":               E(302, 200, 200, 200, 200, 200, 200, q=14, args="benchmark"),
    "discretion-edit":                    E(302, 403, 403, 200, 403, 403, 200, q=9, args="draft"),
    "discretion-publish":                 E(302, 403, 403, 403, 403, 403, 200, q=8, args="draft"),
    "discretion-withdraw":                E(302, 405, 405, 405, 405, 405, 405, q=2, args="benchmark"),
    "discretion-discard":                 E(302, 405, 405, 405, 405, 405, 405, q=2, args="draft"),
    "discretion-recommend":               E(302, 200, 200, 200, 200, 200, 200, q=7),
    "discretion-export":                  E(302, 200, 200, 200, 200, 200, 200, q=12, args="=csv"),
    "discretion-import":                  E(302, 403, 403, 200, 403, 403, 200, q=5),
    "discretion-circumstances":           E(302, 200, 200, 200, 200, 200, 200, q=8),
    "discretion-public-list":             E(200, 200, 200, 200, 200, 200, 200, q=7),
    "discretion-public-item":             E(200, 200, 200, 200, 200, 200, 200, q=11,
                                            args="district item_code"),
    "api-discretion-benchmarks":          E(401, 200, 200, 200, 200, 200, 200, q=8),
    "api-discretion-check":               E(401, 405, 405, 405, 405, 405, 405, q=2),
    "api-discretion-benchmark":           E(401, 200, 200, 200, 200, 200, 200, q=8, args="benchmark"),
    "api-discretion-publish":             E(401, 405, 405, 405, 405, 405, 405, q=2, args="draft"),
    "api-discretion-withdraw":            E(401, 405, 405, 405, 405, 405, 405, q=2, args="benchmark"),
    "api-discretion-item-benchmark":      E(401, 200, 200, 200, 200, 200, 200, q=9, args="item_code"),
    "api-discretion-vocabulary":          E(401, 200, 200, 200, 200, 200, 200, q=4),
    "api-discretion-recommend":           E(401, 405, 405, 405, 405, 405, 405, q=2),
    "api-discretion-deviation":           E(401, 405, 405, 405, 405, 405, 405, q=2),
    "api-discretion-export":              E(401, 200, 200, 200, 200, 200, 200, q=11),
    "api-discretion-import":              E(401, 405, 405, 405, 405, 405, 405, q=2),
    "api-discretion-generate-missing":    E(401, 405, 405, 405, 405, 405, 405, q=2),
    # --- complaints and penalty cases
    "cases:complaints":                   E(302, 200, 200, 200, 200, 200, 200, q=9),
    "cases:complaint-new":                E(302, 200, 200, 200, 403, 403, 200, q=7),
    "cases:complaint-import":             E(302, 200, 200, 200, 403, 403, 200, q=7),
    "cases:complaints-rematch":           E(302, 405, 405, 405, 405, 405, 405, q=2),
    "cases:complaint":                    E(302, 200, 404, 200, 200, 404, 200, q=8, args="complaint"),
    "cases:complaint-rematch":            E(302, 405, 405, 405, 405, 405, 405, q=2, args="complaint"),
    "cases:case-list":                    E(302, 200, 200, 200, 200, 200, 200, q=9),
    "cases:case-new":                     E(302, 200, 200, 200, 403, 403, 403, q=12),
    "cases:approvals":                    E(302, 403, 403, 200, 403, 403, 200, q=6),
    "cases:reviews":                      E(302, 403, 403, 403, 200, 403, 403, q=5),
    "cases:case":                         E(302, 200, 404, 200, 200, 404, 200, q=25, args="case"),
    "cases:case-edit":                    E(302, 200, 404, 200, 403, 404, 403, q=9, args="case"),
    "cases:case-officers":                E(302, 200, 404, 200, 403, 404, 403, q=12, args="case"),
    "cases:case-declare":                 E(302, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "cases:case-act":                     E(302, 405, 405, 405, 405, 405, 405, q=2,
                                            args="case =serve_decision"),
    "cases:evidence-upload":              E(302, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "cases:evidence-file":                E(302, 200, 404, 200, 200, 404, 200, q=8, args="case evidence"),
    "cases:document-new":                 E(302, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "cases:document-file":                E(302, 200, 404, 200, 200, 404, 200, q=8, args="case document"),
    "api-complaints":                     E(401, 200, 200, 200, 200, 200, 200, q=8),
    "api-complaints-bulk":                E(401, 405, 405, 405, 405, 405, 405, q=2),
    "api-complaint":                      E(401, 200, 404, 200, 200, 404, 200, q=8, args="complaint"),
    "api-complaint-rematch":              E(401, 405, 405, 405, 405, 405, 405, q=2, args="complaint"),
    "api-cases":                          E(401, 200, 200, 200, 200, 200, 200, q=8),
    "api-case":                           E(401, 200, 404, 200, 200, 404, 200, q=13, args="case"),
    "api-case-events":                    E(401, 200, 404, 200, 200, 404, 200, q=8, args="case"),
    "api-case-evidence":                  E(401, 200, 404, 200, 200, 404, 200, q=8, args="case"),
    "api-case-documents":                 E(401, 200, 404, 200, 200, 404, 200, q=8, args="case"),
    "api-case-evidence-file":             E(401, 200, 404, 200, 200, 404, 200, q=8, args="case evidence"),
    "api-case-document-file":             E(401, 200, 404, 200, 200, 404, 200, q=8, args="case document"),
    "api-case-officers":                  E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-declaration":               E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-start_check":               E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-propose_filing":            E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-approve_filing":            E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-reject_filing":             E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-decline_filing":            E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-order_correction":          E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-confirm_correction":        E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-correction_failed":         E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-serve_notice":              E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-record_statement":          E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-waive_rights":              E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-request_hearing":           E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-schedule_hearing":          E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-finish_hearing":            E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-submit_for_decision":       E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-pass_review":               E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-return_review":             E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-decide":                    E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-decide_no_penalty":         E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-serve_decision":            E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-record_payment":            E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-record_enforcement":        E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-close":                     E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-archive":                   E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-on_spot":                   E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-transfer":                  E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-withdraw":                  E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-pause":                     E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-resume":                    E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-extend":                    E(401, 405, 405, 405, 405, 405, 405, q=2, args="case"),
    "api-case-action":                    E(401, 405, 405, 405, 405, 405, 405, q=2, args="case =nonsense"),
    # --- joint inspections (pages, the public code page, API)
    "inspection-board":                   E(302, 200, 200, 200, 200, 200, 200, q=12),
    "inspection-create":                  E(302, 200, 200, 200, 403, 200, 403, q=15),
    "inspection-invitations":             E(302, 403, 403, 403, 403, 200, 403, q=8),
    "inspection-invitation-answer":       E(302, 405, 405, 405, 405, 405, 405, q=2,
                                            args="invitation =accept"),
    "inspection-report":                  E(302, 403, 403, 200, 403, 200, 200, q=18),
    "inspection-subjects":                E(302, 200, 200, 200, 200, 200, 200, q=6),
    "inspection-subject":                 E(302, 200, 200, 200, 200, 200, 200, q=17, args="business"),
    "inspection-photo":                   E(302, 200, 404, 200, 200, 200, 200, q=6, args="point_photo"),
    "inspection-detail":                  E(302, 200, 404, 200, 200, 200, 200, q=19, args="task"),
    "inspection-checklist":               E(302, 200, 404, 200, 200, 200, 200, q=18, args="task"),
    "inspection-point-add":               E(302, 405, 405, 405, 405, 405, 405, q=2, args="task"),
    "inspection-finish":                  E(302, 405, 405, 405, 405, 405, 405, q=2, args="task"),
    "inspection-point":                   E(302, 405, 405, 405, 405, 405, 405, q=2, args="task point"),
    "inspection-qr":                      E(302, 200, 404, 200, 200, 200, 200, q=6, args="task"),
    "inspection-document":                E(302, 200, 404, 200, 200, 200, 200, q=7, args="task notice"),
    "inspection-action":                  E(302, 405, 405, 405, 405, 405, 405, q=2, args="task =publish"),
    "inspection-code":                    E(200, 200, 200, 200, 200, 200, 200, q=12, args="task_code"),
    "api-inspection-list":                E(401, 200, 200, 200, 200, 200, 200, q=6),
    "api-inspection-detail":              E(401, 200, 404, 200, 200, 200, 200, q=13, args="task"),
    "api-inspection-invite":              E(401, 405, 405, 405, 405, 405, 405, q=2, args="task"),
    "api-inspection-officers":            E(401, 405, 405, 405, 405, 405, 405, q=2, args="task"),
    "api-inspection-publish":             E(401, 405, 405, 405, 405, 405, 405, q=2, args="task"),
    "api-inspection-approve":             E(401, 405, 405, 405, 405, 405, 405, q=2, args="task"),
    "api-inspection-cancel":              E(401, 405, 405, 405, 405, 405, 405, q=2, args="task"),
    "api-inspection-enter":               E(401, 405, 405, 405, 405, 405, 405, q=2, args="task"),
    "api-inspection-finish":              E(401, 405, 405, 405, 405, 405, 405, q=2, args="task"),
    "api-inspection-close":               E(401, 405, 405, 405, 405, 405, 405, q=2, args="task"),
    "api-inspection-point":               E(401, 405, 405, 405, 405, 405, 405, q=2, args="task point"),
    "api-inspection-invitations":         E(401, 200, 200, 200, 200, 200, 200, q=3),
    "api-inspection-accept":              E(401, 405, 405, 405, 405, 405, 405, q=2, args="invitation"),
    "api-inspection-decline":             E(401, 405, 405, 405, 405, 405, 405, q=2, args="invitation"),
    # --- whistles
    "whistle-list":                       E(302, 200, 200, 200, 200, 200, 200, q=10),
    "whistle-inbox":                      E(302, 403, 403, 403, 403, 200, 403, q=11),
    "whistle-returns":                    E(302, 403, 403, 403, 403, 403, 200, q=6),
    "whistle-raise":                      E(302, 200, 200, 200, 403, 403, 403, q=18),
    "whistle-suggest":                    E(302, 200, 200, 200, 403, 403, 403, q=13),
    "whistle-assessment":                 E(302, 200, 200, 200, 200, 200, 200, q=8),
    "whistle-deadlines":                  E(302, 403, 403, 403, 403, 403, 200, q=9),
    "whistle-notifications":              E(302, 200, 200, 200, 200, 200, 200, q=7),
    "whistle-notification-badge":         E(302, 200, 200, 200, 200, 200, 200, q=4),
    "whistle-notifications-read-all":     E(302, 405, 405, 405, 405, 405, 405, q=2),
    "whistle-notification-open":          E(302, 405, 405, 405, 405, 405, 405, q=2, args="notification"),
    "whistle-photo":                      E(302, 200, 404, 200, 200, 200, 200, q=6, args="photo"),
    "whistle-assignment-action":          E(302, 405, 405, 405, 405, 405, 405, q=2,
                                            args="assignment =acknowledge"),
    "whistle-detail":                     E(302, 200, 404, 200, 200, 200, 200, q=12, args="whistle"),
    "whistle-withdraw":                   E(302, 405, 405, 405, 405, 405, 405, q=2, args="whistle"),
    "whistle-add-department":             E(302, 405, 405, 405, 405, 405, 405, q=2, args="whistle"),
    "whistle-photo-add":                  E(302, 405, 405, 405, 405, 405, 405, q=2, args="whistle"),
    "api-whistle-list":                   E(401, 200, 200, 200, 200, 200, 200, q=7),
    "api-whistle-inbox":                  E(401, 403, 403, 403, 403, 200, 403, q=6),
    "api-whistle-returns":                E(401, 403, 403, 403, 403, 403, 200, q=6),
    "api-whistle-assessment":             E(401, 200, 200, 200, 200, 200, 200, q=8),
    "api-whistle-suggest":                E(401, 200, 200, 200, 200, 200, 200, q=9,
                                            get="item={item_code}&town={town_a}"),
    "api-whistle-deadlines":              E(401, 200, 200, 200, 200, 200, 200, q=9),
    "api-whistle-deadline":               E(401, 405, 405, 405, 405, 405, 405, q=2, args="=normal"),
    "api-whistle-notifications":          E(401, 200, 200, 200, 200, 200, 200, q=3),
    "api-whistle-notification-count":     E(401, 200, 200, 200, 200, 200, 200, q=3),
    "api-whistle-notifications-read-all": E(401, 405, 405, 405, 405, 405, 405, q=2),
    "api-whistle-notification-read":      E(401, 405, 405, 405, 405, 405, 405, q=2, args="notification"),
    "api-whistle-assignment":             E(401, 200, 404, 200, 200, 200, 200, q=8, args="assignment"),
    "api-whistle-acknowledge":            E(401, 405, 405, 405, 405, 405, 405, q=2, args="assignment"),
    "api-whistle-arrive":                 E(401, 405, 405, 405, 405, 405, 405, q=2, args="assignment"),
    "api-whistle-handle":                 E(401, 405, 405, 405, 405, 405, 405, q=2, args="assignment"),
    "api-whistle-return":                 E(401, 405, 405, 405, 405, 405, 405, q=2, args="assignment"),
    "api-whistle-confirm":                E(401, 405, 405, 405, 405, 405, 405, q=2, args="assignment"),
    "api-whistle-reopen":                 E(401, 405, 405, 405, 405, 405, 405, q=2, args="assignment"),
    "api-whistle-overrule":               E(401, 405, 405, 405, 405, 405, 405, q=2, args="assignment"),
    "api-whistle-uphold":                 E(401, 405, 405, 405, 405, 405, 405, q=2, args="assignment"),
    "api-whistle-detail":                 E(401, 200, 404, 200, 200, 200, 200, q=12, args="whistle"),
    "api-whistle-withdraw":               E(401, 405, 405, 405, 405, 405, 405, q=2, args="whistle"),
    "api-whistle-add-department":         E(401, 405, 405, 405, 405, 405, 405, q=2, args="whistle"),
    "api-whistle-photos":                 E(401, 405, 405, 405, 405, 405, 405, q=2, args="whistle"),
    "api-whistle-photo-file":             E(401, 200, 404, 200, 200, 200, 200, q=6, args="photo"),
    # --- any other address under /api/
    "^api/":                              E(404, 404, 404, 404, 404, 404, 404, q=0,
                                            path="/api/no-such-endpoint/"),
    # Django's admin, for staff only (the cast has none): its own login page, and every other page redirects.
    "admin:login":                        E(200, 200, 200, 200, 200, 200, 200, q=5),
    "admin:*":                            E(302, 302, 302, 302, 302, 302, 302, q=2),
    "admin/*":                            E(302, 302, 302, 302, 302, 302, 302, q=2),
}
# fmt: on

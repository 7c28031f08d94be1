"""Digital-transformation measures (chuyển đổi số, issue 18 item 7): an office's criteria set
(bộ tiêu chí) with weights, measured automatically from HoSo's own figures where it can and
otherwise entered by each school with evidence; the schools' scores and ranking. Same skeleton
as an app: measures and scoring (rules), policies, selectors, services, views, api, demo. The
tables are the offices app's (hoso/offices/models.py)."""

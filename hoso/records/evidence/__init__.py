"""Evidence for accreditation (minh chứng kiểm định): record versions tagged with the criteria
of the quality-accreditation standards (TT 17/2018, TT 18/2018, TT 19/2018), browsed and
exported per school. Same skeleton as an app: criteria (data), policies, selectors, services,
views, api."""

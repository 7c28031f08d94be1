"""Học bạ số, the sub-domain of the gradebook with its own vocabulary (versions, the signing
chain GVCN → hiệu trưởng → con dấu, batches for a class, verification before issue). Same
skeleton as an app: services/ (writes), selectors.py (reads), views/ and urls.py (pages);
its models are in hoso.grading.models and its rules in hoso.grading.policies."""

"""Pure assessment rules: Thông tư 27/2020 (tiểu học) and Thông tư 22/2021 (THCS, THPT).

No models, no database, no settings: the gradebook app stores values and calls these functions.
See docs/grading-rules.md for each rule's source and whether it is confirmed.
"""

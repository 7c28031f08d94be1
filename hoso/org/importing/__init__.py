"""Excel import of staff, students, classes and enrolments: all rows or none."""

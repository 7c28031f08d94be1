"""Families: the parents of a school's pupils, their invitations (e-mail or a printed code) and
their consent to see the child's data (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15)."""

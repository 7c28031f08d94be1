"""HoSo: hồ sơ sổ sách điện tử cho trường học."""

"""Reference data every installation starts with (the migration and seed_demo share it)."""

# (code, name): the document types a city or ministry consults on. The minimum consultation
# period is editable per type in the admin; 30 days is only the starting value.
DOCUMENT_TYPES = [
    ("luat", "Luật"),
    ("phap-lenh", "Pháp lệnh"),
    ("nghi-quyet-quoc-hoi", "Nghị quyết của Quốc hội"),
    ("nghi-dinh", "Nghị định"),
    ("quyet-dinh-thu-tuong", "Quyết định của Thủ tướng Chính phủ"),
    ("thong-tu", "Thông tư"),
    ("nghi-quyet-hdnd-tinh", "Nghị quyết HĐND cấp tỉnh"),
    ("quyet-dinh-ubnd-tinh", "Quyết định UBND cấp tỉnh"),
]
DEFAULT_MIN_CONSULTATION_DAYS = 30

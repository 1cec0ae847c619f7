"""Reference data for synthetic register books: names, places, ethnic groups, identity papers.

Everything here is plain data (tuples and dicts, never sets, so iteration order — and with it the
output for a seed — never depends on ``PYTHONHASHSEED``) plus small pure helpers that draw from
it with a caller-supplied ``random.Random``. Ethnic groups and province codes mirror
``shared/domain/ethnic_groups.csv`` and ``province_codes.csv``; names follow ``names.md``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

# The 54 ethnic groups (canonical name, printed variants), from ethnic_groups.csv.
ETHNIC_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Kinh", ("Việt",)),
    ("Tày", ()),
    ("Thái", ()),
    ("Hoa", ("Hán",)),
    ("Khơ-me", ("Khmer", "Khơ me", "Khơme")),
    ("Mường", ()),
    ("Nùng", ()),
    ("Hmông", ("H'Mông", "Mông", "HMông", "Mèo")),
    ("Dao", ()),
    ("Gia-rai", ("Gia Rai", "Giarai", "Jarai")),
    ("Ngái", ()),
    ("Ê-đê", ("Êđê", "Ê Đê")),
    ("Ba-na", ("Ba Na", "Bahnar")),
    ("Xơ-đăng", ("Xơ Đăng", "Xê-đăng")),
    ("Sán Chay", ("Cao Lan-Sán Chỉ",)),
    ("Cơ-ho", ("Cơ Ho", "K'Ho", "Koho")),
    ("Chăm", ("Chàm",)),
    ("Sán Dìu", ()),
    ("Hrê", ("H're",)),
    ("Mnông", ("M'Nông",)),
    ("Ra-glai", ("Ra Glai", "Ra Glay")),
    ("Xtiêng", ("X'Tiêng", "Stieng")),
    ("Bru-Vân Kiều", ("Bru Vân Kiều", "Vân Kiều")),
    ("Thổ", ()),
    ("Giáy", ()),
    ("Cơ-tu", ("Cơ Tu",)),
    ("Gié-Triêng", ("Giẻ Triêng", "Gié Triêng")),
    ("Mạ", ("Châu Mạ",)),
    ("Khơ-mú", ("Khơ Mú", "Kho Mú")),
    ("Co", ()),
    ("Ta-ôi", ("Tà Ôi", "Ta Ôi")),
    ("Chơ-ro", ("Chơ Ro",)),
    ("Kháng", ("Xá Khao",)),
    ("Xinh-mun", ("Xinh Mun",)),
    ("Hà Nhì", ()),
    ("Chu-ru", ("Chu Ru", "Churu")),
    ("Lào", ()),
    ("La Chí", ("La Chi",)),
    ("La Ha", ()),
    ("Phù Lá", ()),
    ("La Hủ", ()),
    ("Lự", ()),
    ("Lô Lô", ()),
    ("Chứt", ()),
    ("Mảng", ()),
    ("Pà Thẻn", ()),
    ("Cơ Lao", ("Cờ Lao",)),
    ("Cống", ()),
    ("Bố Y", ()),
    ("Si La", ()),
    ("Pu Péo", ()),
    ("Brâu", ()),
    ("Ơ Đu", ()),
    ("Rơ-măm", ("Rơ Măm",)),
)

# The 63 pre-2025 provinces and their three-digit codes (province_codes.csv).
PROVINCE_CODES: dict[str, str] = {
    "Hà Nội": "001",
    "Hà Giang": "002",
    "Cao Bằng": "004",
    "Bắc Kạn": "006",
    "Tuyên Quang": "008",
    "Lào Cai": "010",
    "Điện Biên": "011",
    "Lai Châu": "012",
    "Sơn La": "014",
    "Yên Bái": "015",
    "Hòa Bình": "017",
    "Thái Nguyên": "019",
    "Lạng Sơn": "020",
    "Quảng Ninh": "022",
    "Bắc Giang": "024",
    "Phú Thọ": "025",
    "Vĩnh Phúc": "026",
    "Bắc Ninh": "027",
    "Hải Dương": "030",
    "Hải Phòng": "031",
    "Hưng Yên": "033",
    "Thái Bình": "034",
    "Hà Nam": "035",
    "Nam Định": "036",
    "Ninh Bình": "037",
    "Thanh Hóa": "038",
    "Nghệ An": "040",
    "Hà Tĩnh": "042",
    "Quảng Bình": "044",
    "Quảng Trị": "045",
    "Thừa Thiên Huế": "046",
    "Đà Nẵng": "048",
    "Quảng Nam": "049",
    "Quảng Ngãi": "051",
    "Bình Định": "052",
    "Phú Yên": "054",
    "Khánh Hòa": "056",
    "Ninh Thuận": "058",
    "Bình Thuận": "060",
    "Kon Tum": "062",
    "Gia Lai": "064",
    "Đắk Lắk": "066",
    "Đắk Nông": "067",
    "Lâm Đồng": "068",
    "Bình Phước": "070",
    "Tây Ninh": "072",
    "Bình Dương": "074",
    "Đồng Nai": "075",
    "Bà Rịa - Vũng Tàu": "077",
    "Hồ Chí Minh": "079",
    "Long An": "080",
    "Tiền Giang": "082",
    "Bến Tre": "083",
    "Trà Vinh": "084",
    "Vĩnh Long": "086",
    "Đồng Tháp": "087",
    "An Giang": "089",
    "Kiên Giang": "091",
    "Cần Thơ": "092",
    "Hậu Giang": "093",
    "Sóc Trăng": "094",
    "Bạc Liêu": "095",
    "Cà Mau": "096",
}

CENTRAL_CITIES: tuple[str, ...] = ("Hà Nội", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ")


def pick(rng: random.Random, items: Sequence[T], weights: Sequence[float] | None = None) -> T:
    """One item of ``items`` (weighted when ``weights`` is given)."""
    if weights is None:
        return items[rng.randrange(len(items))]
    return rng.choices(items, weights=weights)[0]


def pick_weighted(rng: random.Random, table: Sequence[tuple[T, float]]) -> T:
    """One item of a ``(item, weight)`` table."""
    return rng.choices([t[0] for t in table], weights=[t[1] for t in table])[0]


# --- ethnicity --------------------------------------------------------------------------------

ETHNIC_VARIANTS: dict[str, tuple[str, ...]] = dict(ETHNIC_GROUPS)

# Parents in a Hanoi ward book: mostly Kinh, with the minorities that live in and around Hanoi.
PARENT_ETHNICITY: tuple[tuple[str, float], ...] = (
    ("Kinh", 93.0),
    ("Mường", 1.4),
    ("Tày", 1.2),
    ("Thái", 0.9),
    ("Nùng", 0.6),
    ("Hoa", 0.5),
    ("Dao", 0.4),
    ("Hmông", 0.4),
    ("Sán Dìu", 0.3),
    ("Khơ-me", 0.2),
    ("Ê-đê", 0.15),
    ("Chăm", 0.15),
    ("Sán Chay", 0.1),
    ("Giáy", 0.1),
    ("Gia-rai", 0.1),
    ("Thổ", 0.1),
)

# Where a group's home towns are (provinces), for Quê quán and ID-card province codes.
ETHNIC_HOME_PROVINCES: dict[str, tuple[str, ...]] = {
    "Mường": ("Hòa Bình", "Phú Thọ", "Thanh Hóa", "Hà Nội"),
    "Tày": ("Cao Bằng", "Lạng Sơn", "Bắc Kạn", "Tuyên Quang", "Hà Giang", "Thái Nguyên"),
    "Thái": ("Sơn La", "Điện Biên", "Lai Châu", "Nghệ An", "Thanh Hóa"),
    "Nùng": ("Lạng Sơn", "Cao Bằng", "Bắc Giang", "Thái Nguyên"),
    "Hoa": ("Hà Nội", "Hồ Chí Minh", "Quảng Ninh", "Hải Phòng"),
    "Dao": ("Lào Cai", "Yên Bái", "Hà Giang", "Bắc Kạn", "Tuyên Quang"),
    "Hmông": ("Hà Giang", "Lào Cai", "Yên Bái", "Điện Biên", "Sơn La"),
    "Sán Dìu": ("Thái Nguyên", "Vĩnh Phúc", "Quảng Ninh", "Bắc Giang"),
    "Khơ-me": ("Sóc Trăng", "Trà Vinh", "Kiên Giang", "An Giang"),
    "Ê-đê": ("Đắk Lắk", "Phú Yên"),
    "Chăm": ("Ninh Thuận", "Bình Thuận", "An Giang"),
    "Sán Chay": ("Tuyên Quang", "Thái Nguyên", "Bắc Giang"),
    "Giáy": ("Lào Cai", "Hà Giang", "Lai Châu"),
    "Gia-rai": ("Gia Lai", "Kon Tum"),
    "Thổ": ("Nghệ An", "Thanh Hóa"),
}

# --- personal names ---------------------------------------------------------------------------

# Kinh surnames: the shares of names.md (Vũ/Võ and Hoàng/Huỳnh split the northern way), then a
# tail of less common ones and the rare compound surnames.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 31.5),
    ("Lê", 10.9),
    ("Trần", 8.9),
    ("Vũ", 4.6),
    ("Võ", 1.3),
    ("Phạm", 5.1),
    ("Hoàng", 4.1),
    ("Huỳnh", 0.8),
    ("Phan", 2.8),
    ("Trương", 2.2),
    ("Bùi", 2.1),
    ("Đỗ", 1.9),
    ("Đặng", 1.9),
    ("Ngô", 1.7),
    ("Hồ", 1.5),
    ("Dương", 1.4),
    ("Lý", 1.0),
    ("Đinh", 1.0),
    ("Trịnh", 1.0),
    ("Đào", 0.9),
    ("Mai", 0.7),
    ("Cao", 0.6),
    ("Lương", 0.6),
    ("Đoàn", 0.6),
    ("Hà", 0.6),
    ("Lưu", 0.5),
    ("Tạ", 0.5),
    ("Lâm", 0.4),
    ("Phùng", 0.4),
    ("Chu", 0.4),
    ("Tô", 0.4),
    ("Kiều", 0.3),
    ("Quách", 0.3),
    ("Vương", 0.3),
    ("Triệu", 0.3),
    ("Lại", 0.2),
    ("Nghiêm", 0.2),
    ("Tăng", 0.2),
    ("Khúc", 0.1),
    ("Thái", 0.2),
    ("Văn", 0.1),
    ("Tôn Thất", 0.05),
    ("Âu Dương", 0.03),
    ("Hoàng Phủ", 0.02),
)

MINORITY_SURNAMES: dict[str, tuple[str, ...]] = {
    "Mường": ("Bùi", "Đinh", "Quách", "Hà", "Xa", "Bạch"),
    "Tày": ("Hoàng", "Nông", "Lương", "Ma", "Lục", "Bế", "Đàm", "Hà"),
    "Thái": ("Lò", "Lường", "Quàng", "Cầm", "Tòng", "Vi", "Hà", "Lộc"),
    "Nùng": ("Hoàng", "Nông", "Lục", "Vi", "Chu", "Lăng", "Mã"),
    "Hoa": ("Lý", "Trương", "Lâm", "Quách", "Hứa", "Lưu", "Dương", "Mạc"),
    "Dao": ("Bàn", "Triệu", "Đặng", "Lý", "Phùng", "Chảo"),
    "Hmông": ("Giàng", "Sùng", "Vàng", "Thào", "Lý", "Mùa", "Hạng", "Ly"),
    "Sán Dìu": ("Diệp", "Lưu", "Trương", "Lam", "Đặng", "Tạ"),
    "Khơ-me": ("Thạch", "Sơn", "Danh", "Kim", "Lâm", "Chau"),
    "Chăm": ("Đàng", "Thiên", "Thông", "Quảng", "Lưu", "Châu"),
    "Sán Chay": ("Hoàng", "Lưu", "Trần", "La"),
    "Giáy": ("Hoàng", "Lò", "Vương", "Sầm"),
    "Thổ": ("Trương", "Lê", "Vi", "Ngân"),
}

# Ê-đê and Gia-rai: personal prefix (Y for men, H' for women) + given name + clan name.
HIGHLAND_CLANS: dict[str, tuple[str, ...]] = {
    "Ê-đê": ("Niê", "Mlô", "Êban", "Ktla", "Byă", "Adrơng"),
    "Gia-rai": ("Siu", "Rơ Châm", "Ksor", "Rơ Mah", "Nay", "Kpă"),
}
HIGHLAND_GIVEN_MALE: tuple[str, ...] = ("Bhin", "Ngông", "Thuyên", "Jút", "Blô", "Đhăm", "Khun")
HIGHLAND_GIVEN_FEMALE: tuple[str, ...] = ("Nhi", "Hen", "Ni", "Mai", "Juen", "Lan", "Yơn")

HMONG_MIDDLE_MALE: tuple[str, ...] = ("A", "Seo", "Mí", "Chứ")
HMONG_GIVEN_MALE: tuple[str, ...] = ("Páo", "Sáng", "Chứ", "Dế", "Lử", "Chính", "Pó", "Tủa")
HMONG_GIVEN_FEMALE: tuple[str, ...] = ("Mai", "Dua", "Súa", "Pằng", "Mỷ", "Dợ", "Chu", "Sua")

MIDDLE_MALE: tuple[str, ...] = (
    "Đức", "Minh", "Quang", "Hoàng", "Anh", "Gia", "Bảo", "Thành", "Hữu", "Công", "Xuân",
    "Tuấn", "Đăng", "Trung", "Ngọc", "Mạnh", "Duy", "Thanh", "Hải", "Tiến", "Việt", "Quốc",
    "Trọng", "Huy", "Khánh", "Nhật", "Phúc", "Đình", "Thế", "Tất",
)  # fmt: skip
MIDDLE_FEMALE: tuple[str, ...] = (
    "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Bảo", "Khánh", "Hoài", "Mai", "Thùy", "Diệu",
    "Hồng", "Kim", "Hải", "Gia", "Tuệ", "Quỳnh", "Thảo", "Hà", "Lan", "Bích", "Mỹ", "Như",
    "Hương", "Thúy", "Vân", "Yến", "Linh", "Khánh", "An",
)  # fmt: skip
GIVEN_MALE: tuple[str, ...] = (
    "Anh", "Minh", "Huy", "Khang", "Nam", "Dũng", "Hùng", "Tuấn", "Long", "Đức", "Quân",
    "Phúc", "Bảo", "Khôi", "Hiếu", "Sơn", "Thắng", "Hải", "Hoàng", "Tùng", "Lâm", "Việt",
    "Kiên", "Trung", "Phong", "Đạt", "Thành", "Cường", "Quang", "Hưng", "Tú", "Vinh", "Khoa",
    "Nghĩa", "Toàn", "Thịnh", "Lộc", "An", "Duy", "Khánh", "Hào", "Nhật", "Đăng", "Hiển",
    "Trí", "Tài", "Thái", "Vũ", "Phát", "Tiến",
)  # fmt: skip
GIVEN_FEMALE: tuple[str, ...] = (
    "Anh", "Linh", "Trang", "Hương", "Hà", "Ngọc", "Hằng", "Lan", "Mai", "Thảo", "Phương",
    "Chi", "Vy", "Nhi", "An", "Hạnh", "Huyền", "Nhung", "Yến", "Trâm", "Ngân", "Giang", "Thư",
    "Hiền", "Dung", "Hoa", "Thủy", "Loan", "Nga", "Oanh", "My", "Ly", "Vân", "Quyên", "Thúy",
    "Châu", "Diệp", "Hân", "Tâm", "Uyên", "Khuê", "Nhàn", "Hồng", "Liên", "Duyên", "Trinh",
)  # fmt: skip

# Foreign parents (rare): nationality as printed, name as in the passport (capitals).
FOREIGN_PARENTS: tuple[tuple[str, str], ...] = (
    ("Hàn Quốc", "KIM MIN JUN"),
    ("Hàn Quốc", "PARK JI HOON"),
    ("Hàn Quốc", "LEE SANG WOO"),
    ("Nhật Bản", "TANAKA HIROSHI"),
    ("Nhật Bản", "SATO KENJI"),
    ("Trung Quốc", "ZHANG WEI"),
    ("Hoa Kỳ", "JOHN MICHAEL SMITH"),
    ("Pháp", "PIERRE DUBOIS"),
    ("Ôx-trây-li-a", "DAVID JAMES BROWN"),
    ("Đài Loan (Trung Quốc)", "CHEN CHIH MING"),
)

# --- places -----------------------------------------------------------------------------------

# Hanoi districts: (kind, name) → their wards. Wards of a quận / thị xã are phường; those of a
# huyện are xã (or thị trấn, given with its prefix).
HANOI_DISTRICTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("quận", "Long Biên"): (
        "Ngọc Lâm", "Bồ Đề", "Gia Thụy", "Đức Giang", "Thượng Thanh", "Việt Hưng", "Phúc Đồng",
        "Long Biên", "Sài Đồng", "Thạch Bàn", "Cự Khối", "Phúc Lợi", "Giang Biên", "Ngọc Thụy",
    ),
    ("quận", "Ba Đình"): (
        "Ngọc Khánh", "Kim Mã", "Cống Vị", "Điện Biên", "Đội Cấn", "Liễu Giai", "Quán Thánh",
        "Trúc Bạch", "Giảng Võ", "Thành Công", "Vĩnh Phúc", "Ngọc Hà", "Phúc Xá",
    ),
    ("quận", "Hoàn Kiếm"): (
        "Hàng Bạc", "Hàng Trống", "Tràng Tiền", "Phan Chu Trinh", "Hàng Bài", "Lý Thái Tổ",
        "Cửa Nam", "Hàng Gai", "Chương Dương", "Hàng Mã",
    ),
    ("quận", "Đống Đa"): (
        "Phương Mai", "Kim Liên", "Láng Hạ", "Trung Liệt", "Văn Miếu", "Quốc Tử Giám",
        "Khâm Thiên", "Ô Chợ Dừa", "Thịnh Quang", "Trung Tự", "Khương Thượng", "Nam Đồng",
    ),
    ("quận", "Hai Bà Trưng"): (
        "Thanh Nhàn", "Bạch Mai", "Vĩnh Tuy", "Minh Khai", "Lê Đại Hành", "Phố Huế",
        "Trương Định", "Bách Khoa", "Đồng Tâm", "Quỳnh Mai",
    ),
    ("quận", "Cầu Giấy"): (
        "Dịch Vọng", "Dịch Vọng Hậu", "Mai Dịch", "Nghĩa Đô", "Nghĩa Tân", "Quan Hoa",
        "Trung Hòa", "Yên Hòa",
    ),
    ("quận", "Hoàng Mai"): (
        "Định Công", "Giáp Bát", "Hoàng Liệt", "Tân Mai", "Tương Mai", "Đại Kim", "Lĩnh Nam",
        "Thịnh Liệt", "Vĩnh Hưng", "Yên Sở",
    ),
    ("quận", "Thanh Xuân"): (
        "Khương Trung", "Kim Giang", "Nhân Chính", "Thanh Xuân Bắc", "Thanh Xuân Trung",
        "Hạ Đình", "Thượng Đình", "Khương Mai",
    ),
    ("quận", "Hà Đông"): (
        "Quang Trung", "Văn Quán", "Mộ Lao", "Yết Kiêu", "Nguyễn Trãi", "Hà Cầu", "Kiến Hưng",
        "La Khê",
    ),
    ("quận", "Tây Hồ"): (
        "Bưởi", "Nhật Tân", "Quảng An", "Thụy Khuê", "Xuân La", "Yên Phụ", "Tứ Liên",
        "Phú Thượng",
    ),
    ("huyện", "Gia Lâm"): (
        "thị trấn Trâu Quỳ", "Bát Tràng", "Kiêu Kỵ", "Đa Tốn", "Dương Xá", "Cổ Bi", "Phú Thị",
    ),
    ("huyện", "Đông Anh"): ("thị trấn Đông Anh", "Cổ Loa", "Uy Nỗ", "Vân Nội", "Hải Bối"),
}  # fmt: skip

HANOI_STREETS: dict[str, tuple[str, ...]] = {
    "Long Biên": ("Ngọc Lâm", "Nguyễn Văn Cừ", "Ngô Gia Tự", "Nguyễn Sơn", "Gia Thụy", "Bồ Đề",
                  "Hồng Tiến", "Ngọc Thụy", "Thạch Bàn", "Sài Đồng"),
    "Ba Đình": ("Kim Mã", "Đội Cấn", "Liễu Giai", "Giảng Võ", "Nguyễn Chí Thanh", "Văn Cao",
                "Hoàng Hoa Thám", "Quán Thánh"),
    "Hoàn Kiếm": ("Hàng Bạc", "Hàng Gai", "Hàng Bông", "Hàng Bài", "Lò Sũ", "Hàng Mã",
                  "Tràng Tiền"),
    "Đống Đa": ("Tôn Đức Thắng", "Khâm Thiên", "Xã Đàn", "Tây Sơn", "Láng Hạ", "Chùa Bộc",
                "Phạm Ngọc Thạch", "Kim Hoa"),
    "Hai Bà Trưng": ("Bạch Mai", "Minh Khai", "Lò Đúc", "Trần Khát Chân", "Kim Ngưu",
                     "Thanh Nhàn", "Phố Huế"),
    "Cầu Giấy": ("Xuân Thủy", "Cầu Giấy", "Trần Thái Tông", "Hoàng Quốc Việt", "Nguyễn Khánh Toàn",
                 "Trung Kính"),
    "Hoàng Mai": ("Giải Phóng", "Tam Trinh", "Lĩnh Nam", "Định Công", "Kim Giang", "Trương Định"),
    "Thanh Xuân": ("Nguyễn Trãi", "Khương Trung", "Vũ Trọng Phụng", "Lê Văn Lương", "Kim Giang",
                   "Quan Nhân"),
    "Hà Đông": ("Quang Trung", "Trần Phú", "Nguyễn Trãi", "Tô Hiệu", "Văn Quán", "Lê Trọng Tấn"),
    "Tây Hồ": ("Lạc Long Quân", "Âu Cơ", "Xuân Diệu", "Thụy Khuê", "Nhật Chiêu"),
    "Gia Lâm": ("Ngô Xuân Quảng", "Cửu Việt", "Nguyễn Mậu Tài"),
    "Đông Anh": ("Cao Lỗ", "Lâm Tiên", "Uy Nỗ"),
}  # fmt: skip

# Facilities where Hanoi children are born: (name, ward, (district kind, district)).
HOSPITALS: tuple[tuple[str, str, tuple[str, str], float], ...] = (
    ("Bệnh viện Phụ sản Hà Nội", "Ngọc Khánh", ("quận", "Ba Đình"), 24.0),
    ("Bệnh viện Phụ sản Trung ương", "Hàng Bông", ("quận", "Hoàn Kiếm"), 16.0),
    ("Bệnh viện Bạch Mai", "Phương Mai", ("quận", "Đống Đa"), 6.0),
    ("Bệnh viện Đa khoa Đức Giang", "Đức Giang", ("quận", "Long Biên"), 10.0),
    ("Bệnh viện Đa khoa Xanh Pôn", "Điện Biên", ("quận", "Ba Đình"), 4.0),
    ("Bệnh viện Thanh Nhàn", "Thanh Nhàn", ("quận", "Hai Bà Trưng"), 5.0),
    ("Bệnh viện Đa khoa Hà Đông", "Quang Trung", ("quận", "Hà Đông"), 5.0),
    ("Bệnh viện Đa khoa Quốc tế Vinmec Times City", "Vĩnh Tuy", ("quận", "Hai Bà Trưng"), 4.0),
    ("Bệnh viện Đa khoa Hồng Ngọc", "Trúc Bạch", ("quận", "Ba Đình"), 3.0),
    ("Bệnh viện Đa khoa Gia Lâm", "thị trấn Trâu Quỳ", ("huyện", "Gia Lâm"), 3.0),
    ("Bệnh viện Đa khoa Đông Anh", "thị trấn Đông Anh", ("huyện", "Đông Anh"), 2.0),
    ("Bệnh viện Đa khoa Tâm Anh", "Bồ Đề", ("quận", "Long Biên"), 3.0),
)

# Home towns outside Hanoi: province → districts (kind, name, communes). Provinces not listed
# are written with the province alone.
PROVINCE_PLACES: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "Hà Nội": (
        ("huyện", "Thường Tín", ("Vạn Điểm", "Nhị Khê", "Hà Hồi", "Tô Hiệu")),
        ("huyện", "Chương Mỹ", ("Phụng Châu", "Tiên Phương", "Đại Yên", "Thủy Xuân Tiên")),
        ("huyện", "Ba Vì", ("Tản Lĩnh", "Vân Hòa", "Thụy An", "Cổ Đô")),
        ("huyện", "Sóc Sơn", ("Phù Linh", "Tiên Dược", "Minh Phú", "Kim Lũ")),
        ("huyện", "Thanh Oai", ("Bích Hòa", "Cự Khê", "Thanh Cao", "Tam Hưng")),
        ("huyện", "Ứng Hòa", ("Phương Tú", "Hòa Xá", "Vạn Thái", "Trầm Lộng")),
        ("huyện", "Phú Xuyên", ("Phú Túc", "Tri Trung", "Đại Xuyên")),
    ),
    "Nam Định": (
        ("huyện", "Nam Trực", ("Nam Hồng", "Nam Thanh", "Nam Mỹ", "Nam Cường")),
        ("huyện", "Hải Hậu", ("Hải Minh", "Hải Anh", "Hải Đông", "Hải Bắc")),
        ("huyện", "Ý Yên", ("Yên Thọ", "Yên Lợi", "Yên Khang", "Yên Phong")),
        ("huyện", "Giao Thủy", ("Giao Tiến", "Giao Hà", "Giao Thanh")),
        ("huyện", "Xuân Trường", ("Xuân Hồng", "Xuân Ninh", "Xuân Bắc")),
    ),
    "Thái Bình": (
        ("huyện", "Vũ Thư", ("Song An", "Minh Lãng", "Tân Hòa", "Vũ Hội")),
        ("huyện", "Kiến Xương", ("Vũ Quý", "Bình Nguyên", "Quang Bình")),
        ("huyện", "Quỳnh Phụ", ("An Bài", "Quỳnh Hải", "Quỳnh Hoa")),
        ("huyện", "Đông Hưng", ("Đông La", "Đông Xá", "Đông Các")),
        ("huyện", "Thái Thụy", ("Thụy Liên", "Thái Hà", "Thụy Trình")),
    ),
    "Hà Nam": (
        ("huyện", "Lý Nhân", ("Nhân Thịnh", "Chân Lý", "Nhân Đạo")),
        ("huyện", "Bình Lục", ("An Mỹ", "Bối Cầu", "Tràng An")),
        ("huyện", "Thanh Liêm", ("Thanh Hà", "Thanh Phong", "Liêm Thuận")),
        ("huyện", "Kim Bảng", ("Tượng Lĩnh", "Nhật Tựu", "Đồng Hóa")),
    ),
    "Hưng Yên": (
        ("huyện", "Khoái Châu", ("Đông Tảo", "Bình Minh", "Dạ Trạch", "Hàm Tử")),
        ("huyện", "Văn Giang", ("Phụng Công", "Xuân Quan", "Cửu Cao")),
        ("huyện", "Kim Động", ("Toàn Thắng", "Song Mai", "Ngọc Thanh")),
        ("huyện", "Tiên Lữ", ("Thiện Phiến", "Hải Triều", "Thụy Lôi")),
    ),
    "Bắc Ninh": (
        ("huyện", "Tiên Du", ("Phật Tích", "Hoàn Sơn", "Liên Bão", "Nội Duệ")),
        ("huyện", "Gia Bình", ("Đại Bái", "Quỳnh Phú", "Song Giang")),
        ("huyện", "Thuận Thành", ("Đình Tổ", "Song Hồ", "Ngũ Thái")),
        ("huyện", "Quế Võ", ("Phù Lãng", "Việt Hùng", "Bằng An")),
    ),
    "Hải Dương": (
        ("huyện", "Cẩm Giàng", ("Lương Điền", "Cẩm Hoàng", "Tân Trường")),
        ("huyện", "Ninh Giang", ("Hồng Phong", "Vĩnh Hòa", "Đồng Tâm")),
        ("huyện", "Thanh Miện", ("Ngũ Hùng", "Đoàn Tùng", "Lam Sơn")),
        ("huyện", "Gia Lộc", ("Gia Tân", "Hoàng Diệu", "Thống Nhất")),
    ),
    "Thanh Hóa": (
        ("huyện", "Hoằng Hóa", ("Hoằng Lộc", "Hoằng Đạo", "Hoằng Giang")),
        ("huyện", "Hậu Lộc", ("Hòa Lộc", "Đa Lộc", "Minh Lộc")),
        ("huyện", "Thọ Xuân", ("Xuân Lập", "Xuân Hòa", "Thọ Lập")),
        ("huyện", "Nông Cống", ("Trung Chính", "Tế Thắng", "Minh Khôi")),
    ),
    "Nghệ An": (
        ("huyện", "Nam Đàn", ("Kim Liên", "Nam Giang", "Xuân Hòa")),
        ("huyện", "Diễn Châu", ("Diễn Thành", "Diễn Kim", "Diễn Hải")),
        ("huyện", "Yên Thành", ("Công Thành", "Hợp Thành", "Phúc Thành")),
        ("huyện", "Đô Lương", ("Đà Sơn", "Lạc Sơn", "Yên Sơn")),
    ),
    "Hà Tĩnh": (
        ("huyện", "Đức Thọ", ("Tùng Ảnh", "Đức Lạng", "Liên Minh")),
        ("huyện", "Can Lộc", ("Trường Lộc", "Thiên Lộc", "Vượng Lộc")),
        ("huyện", "Nghi Xuân", ("Tiên Điền", "Xuân Hải", "Xuân Viên")),
    ),
    "Phú Thọ": (
        ("huyện", "Lâm Thao", ("Sơn Vi", "Cao Xá", "Tiên Kiên")),
        ("huyện", "Thanh Ba", ("Đông Lĩnh", "Hanh Cù", "Khải Xuân")),
        ("huyện", "Phù Ninh", ("Phù Ninh", "Tiên Du", "Bảo Thanh")),
    ),
    "Vĩnh Phúc": (
        ("huyện", "Vĩnh Tường", ("Tân Tiến", "Lũng Hòa", "Bình Dương")),
        ("huyện", "Tam Dương", ("Hoàng Hoa", "Hướng Đạo", "Duy Phiên")),
        ("huyện", "Yên Lạc", ("Tề Lỗ", "Đồng Cương", "Trung Nguyên")),
    ),
    "Ninh Bình": (
        ("huyện", "Hoa Lư", ("Trường Yên", "Ninh Hải", "Ninh Giang")),
        ("huyện", "Kim Sơn", ("Kim Chính", "Lai Thành", "Như Hòa")),
        ("huyện", "Yên Khánh", ("Khánh Hòa", "Khánh Thiện", "Khánh Cư")),
    ),
    "Hải Phòng": (
        ("huyện", "Thủy Nguyên", ("Lập Lễ", "Tam Hưng", "Phục Lễ")),
        ("huyện", "Vĩnh Bảo", ("Cổ Am", "Tam Cường", "Vĩnh An")),
        ("huyện", "Tiên Lãng", ("Quyết Tiến", "Tiên Thắng", "Đoàn Lập")),
    ),
    "Bắc Giang": (
        ("huyện", "Yên Dũng", ("Tiền Phong", "Nội Hoàng", "Đồng Phúc")),
        ("huyện", "Lục Nam", ("Bảo Sơn", "Cương Sơn", "Phương Sơn")),
    ),
    "Thái Nguyên": (
        ("huyện", "Đại Từ", ("Hùng Sơn", "Tân Thái", "La Bằng")),
        ("huyện", "Phú Lương", ("Yên Đổ", "Động Đạt", "Phấn Mễ")),
    ),
    "Hòa Bình": (
        ("huyện", "Lương Sơn", ("Cao Dương", "Hòa Sơn", "Lâm Sơn")),
        ("huyện", "Tân Lạc", ("Phong Phú", "Mãn Đức", "Quy Hậu")),
    ),
    "Sơn La": (
        ("huyện", "Mai Sơn", ("Chiềng Mai", "Hát Lót", "Cò Nòi")),
        ("huyện", "Thuận Châu", ("Chiềng Ly", "Phổng Lái", "Tông Lạnh")),
    ),
    "Lạng Sơn": (
        ("huyện", "Cao Lộc", ("Hợp Thành", "Gia Cát", "Tân Liên")),
        ("huyện", "Văn Lãng", ("Hoàng Việt", "Tân Mỹ", "Thành Hòa")),
    ),
    "Cao Bằng": (
        ("huyện", "Hòa An", ("Hồng Việt", "Bình Long", "Đức Long")),
        ("huyện", "Trùng Khánh", ("Đình Phong", "Chí Viễn", "Đàm Thủy")),
    ),
    "Hà Giang": (
        ("huyện", "Đồng Văn", ("Lũng Cú", "Sà Phìn", "Lũng Phìn")),
        ("huyện", "Mèo Vạc", ("Pả Vi", "Xín Cái", "Lũng Pù")),
    ),
    "Lào Cai": (
        ("huyện", "Bắc Hà", ("Bản Phố", "Tả Van Chư", "Lùng Phình")),
        ("huyện", "Bát Xát", ("Y Tý", "Mường Hum", "Quang Kim")),
    ),
    "Quảng Ninh": (
        ("huyện", "Đông Triều", ("Bình Dương", "Hồng Phong", "Tràng An")),
        ("huyện", "Hải Hà", ("Quảng Long", "Quảng Chính", "Quảng Minh")),
    ),
}

# Where parents' home towns are, for Kinh parents of a Hanoi ward (weights).
HOME_PROVINCES: tuple[tuple[str, float], ...] = (
    ("Hà Nội", 38.0),
    ("Nam Định", 7.0),
    ("Thái Bình", 6.0),
    ("Hà Nam", 3.0),
    ("Hưng Yên", 4.0),
    ("Bắc Ninh", 3.0),
    ("Hải Dương", 3.5),
    ("Thanh Hóa", 5.0),
    ("Nghệ An", 4.5),
    ("Hà Tĩnh", 2.5),
    ("Phú Thọ", 2.5),
    ("Vĩnh Phúc", 2.0),
    ("Ninh Bình", 2.0),
    ("Hải Phòng", 2.5),
    ("Bắc Giang", 2.0),
    ("Thái Nguyên", 1.5),
    ("Quảng Ninh", 1.0),
    ("Hòa Bình", 1.0),
    ("Lạng Sơn", 0.8),
    ("Quảng Bình", 0.8),
    ("Tuyên Quang", 0.6),
    ("Yên Bái", 0.5),
    ("Quảng Trị", 0.4),
    ("Thừa Thiên Huế", 0.5),
    ("Đà Nẵng", 0.4),
    ("Quảng Nam", 0.4),
    ("Hồ Chí Minh", 0.6),
    ("Lào Cai", 0.4),
    ("Sơn La", 0.4),
    ("Bình Định", 0.2),
    ("Đắk Lắk", 0.2),
    ("Cần Thơ", 0.1),
)

# Births registered abroad and recorded in a Hanoi book (ghi vào sổ).
FOREIGN_BIRTH_PLACES: tuple[str, ...] = (
    "Seoul, Hàn Quốc",
    "Busan, Hàn Quốc",
    "Tokyo, Nhật Bản",
    "Osaka, Nhật Bản",
    "Đài Bắc, Đài Loan (Trung Quốc)",
    "Mát-xcơ-va, Liên bang Nga",
    "Berlin, Cộng hòa Liên bang Đức",
    "Praha, Cộng hòa Séc",
    "Sydney, Ôx-trây-li-a",
    "California, Hoa Kỳ",
)

# --- identity papers --------------------------------------------------------------------------

ISSUER_QLHC = "Cục Cảnh sát QLHC về TTXH"
ISSUER_DKQL = "Cục Cảnh sát ĐKQL cư trú và DLQG về dân cư"
ISSUER_IMMIGRATION = "Cục Quản lý xuất nhập cảnh"
ISSUER_MPS = "Bộ Công an"

# --- registration -----------------------------------------------------------------------------

RELATIONSHIP_WORDING: dict[str, tuple[str, ...]] = {
    "mother": ("Mẹ đẻ", "Mẹ", "Là mẹ"),
    "father": ("Cha đẻ", "Bố đẻ", "Cha", "Là cha"),
    "ba_noi": ("Bà nội",),
    "ong_noi": ("Ông nội",),
    "ba_ngoai": ("Bà ngoại",),
    "ong_ngoai": ("Ông ngoại",),
    "self": ("Bản thân",),
    "guardian": ("Người nuôi dưỡng", "Người giám hộ"),
    "aunt": ("Cô ruột", "Dì ruột"),
}

NOTES: tuple[str, ...] = (
    "Cấp 02 bản sao Giấy khai sinh",
    "Cấp 01 bản sao",
    "Trẻ sinh đôi",
    "Đăng ký khai sinh kết hợp nhận cha, con",
    "Đã cấp Giấy khai sinh bản chính",
    "Cha mẹ chưa đăng ký kết hôn",
    "Có văn bản ủy quyền",
    "Bổ sung tên đệm theo yêu cầu",
    "Người đi khai sinh xuất trình sổ hộ khẩu",
)

# --- death register ---------------------------------------------------------------------------

# How a book prints the time of death (its press's habit): hour and minute → text.
DEATH_TIME_STYLES: tuple[str, ...] = (
    "{h} giờ {m:02d} phút",
    "{h:02d} giờ {m:02d}",
    "{h:02d}:{m:02d}",
)

# Who registers a death, by their relation to the deceased (wordings, most common first).
DEATH_RELATIONSHIP_WORDING: dict[str, tuple[str, ...]] = {
    "son": ("Con đẻ", "Con trai"),
    "daughter": ("Con đẻ", "Con gái"),
    "wife": ("Vợ",),
    "husband": ("Chồng",),
    "grandchild": ("Cháu nội", "Cháu ruột"),
    "sibling": ("Anh ruột", "Em ruột"),
    "father": ("Cha đẻ", "Bố đẻ"),
    "mother": ("Mẹ đẻ",),
}

# Hospitals where a death may occur (not the maternity hospitals of HOSPITALS), same shape.
DEATH_HOSPITALS: tuple[tuple[str, str, tuple[str, str], float], ...] = (
    *(h for h in HOSPITALS if "Phụ sản" not in h[0]),
    ("Bệnh viện Hữu nghị Việt Đức", "Tràng Tiền", ("quận", "Hoàn Kiếm"), 5.0),
    ("Bệnh viện Hữu nghị", "Lê Đại Hành", ("quận", "Hai Bà Trưng"), 3.0),
    ("Bệnh viện Đa khoa Đống Đa", "Văn Miếu", ("quận", "Đống Đa"), 3.0),
    ("Bệnh viện Đa khoa Saint Paul", "Điện Biên", ("quận", "Ba Đình"), 1.0),
)

# Causes of death as registers write them, for adults (weighted) and for young children.
DEATH_CAUSES: tuple[tuple[str, float], ...] = (
    ("Già yếu", 18.0),
    ("Tuổi cao, sức yếu", 8.0),
    ("Bệnh", 10.0),
    ("Bệnh tim", 5.0),
    ("Suy tim", 5.0),
    ("Tai biến mạch máu não", 7.0),
    ("Đột quỵ", 5.0),
    ("Ung thư phổi", 5.0),
    ("Ung thư gan", 4.0),
    ("Ung thư dạ dày", 2.0),
    ("Xơ gan", 2.0),
    ("Viêm phổi", 3.0),
    ("Suy thận", 2.0),
    ("Suy đa tạng", 2.0),
    ("Đái tháo đường", 2.0),
    ("Tai nạn giao thông", 3.0),
    ("Tai nạn lao động", 0.7),
    ("Nhồi máu cơ tim", 3.0),
)
CHILD_DEATH_CAUSES: tuple[str, ...] = (
    "Viêm phổi",
    "Sinh non",
    "Dị tật bẩm sinh",
    "Đuối nước",
    "Nhiễm trùng",
    "Tai nạn giao thông",
)

# --- marriage register ------------------------------------------------------------------------

MARRIAGE_NOTES: tuple[str, ...] = (
    "Cấp 02 bản sao Giấy chứng nhận kết hôn",
    "Cấp 01 bản sao",
    "Có xác nhận tình trạng hôn nhân",
    "Kết hôn lần hai",
    "Đã cấp Giấy chứng nhận kết hôn bản chính",
)

DEATH_NOTES: tuple[str, ...] = (
    "Cấp 02 bản sao Trích lục khai tử",
    "Cấp 01 bản sao",
    "Đã xóa đăng ký thường trú",
    "Người đi khai tử xuất trình sổ hộ khẩu",
    "Đã cấp Trích lục khai tử bản chính",
)

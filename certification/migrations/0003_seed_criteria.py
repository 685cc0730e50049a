"""Seed the criteria of Circular 124/2021/TT-BCA for 2024, 2025 and 2026.

Criteria are reference data, editable afterwards in the admin. The wording is a short form of the
circular; ``confirmed=False`` marks criteria whose wording has not been checked against its text.
The data is frozen here (not imported from the app) so that the migration stays reproducible.
"""

from django.db import migrations

YEARS = (2024, 2025, 2026)

AGENCY_ENTERPRISE = [
    ("1", "Đăng ký phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự” ngay từ quý I hằng năm.", True, False),
    ("2", "Có nội quy, quy chế bảo vệ an ninh, trật tự của cơ quan, doanh nghiệp và thực hiện nghiêm.", True, False),
    ("3", "100% cán bộ, công nhân viên, người lao động được phổ biến, quán triệt về bảo vệ an ninh, trật tự.", True, False),
    ("4", "Có ít nhất một mô hình tự quản về an ninh, trật tự hoạt động hiệu quả.", True, False),
    ("5", "Không để xảy ra vụ việc nghiêm trọng về an ninh, trật tự tại cơ quan, doanh nghiệp.", False, False),
]

# subject kind -> (set name, [(code, text, confirmed, computed)])
CRITERIA = {
    "residential_area": (
        "Tiêu chuẩn khu dân cư “An toàn về an ninh, trật tự”",
        [
            ("1", "Trong quý I hằng năm, chi bộ có nghị quyết, khu dân cư đăng ký phấn đấu đạt tiêu chuẩn; 100% hộ gia đình đang cư trú đăng ký tham gia xây dựng khu dân cư “An toàn về an ninh, trật tự”.", True, False),
            ("2", "Thực hiện tốt chủ trương, chính sách, pháp luật và quy định, hương ước, quy ước của địa phương về bảo đảm an ninh, trật tự.", True, False),
            ("3", "Không để xảy ra vụ việc thuộc danh mục Thông tư quy định (hoạt động chống Đảng, chính quyền; phá hoại mục tiêu trọng điểm; tuyên truyền đạo trái pháp luật; lợi dụng tín ngưỡng, tôn giáo, dân tộc gây phức tạp; mâu thuẫn, tranh chấp phức tạp kéo dài…).", True, False),
            ("4", "Tội phạm, tệ nạn xã hội và vi phạm pháp luật khác được kiềm chế, giảm so với năm trước.", False, False),
            ("5", "Có mô hình tự quản, tổ chức quần chúng tham gia phong trào bảo vệ an ninh, trật tự hoạt động hiệu quả.", False, False),
        ],
    ),
    "commune": (
        "Tiêu chuẩn xã, phường, thị trấn “An toàn về an ninh, trật tự”",
        [
            ("1", "Có nghị quyết, kế hoạch và đăng ký phấn đấu đạt tiêu chuẩn ngay từ quý I; có ít nhất một mô hình tự quản về an ninh, trật tự hoạt động hiệu quả.", True, False),
            ("2", "Bảo đảm các điều kiện về an ninh, trật tự như đối với khu dân cư trên địa bàn toàn xã.", True, False),
            ("3", "Công an xã thực hiện tốt nhiệm vụ được giao; không có cán bộ, chiến sĩ bị kỷ luật.", True, False),
            ("4", "100% khu dân cư, cơ quan, doanh nghiệp, nhà trường trên địa bàn đăng ký và ít nhất 70% trong số đó được công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự”.", True, True),
        ],
    ),
    "agency": ("Tiêu chuẩn cơ quan “An toàn về an ninh, trật tự”", AGENCY_ENTERPRISE),
    "enterprise": ("Tiêu chuẩn doanh nghiệp “An toàn về an ninh, trật tự”", AGENCY_ENTERPRISE),
    "school": (
        "Tiêu chuẩn nhà trường, cơ sở giáo dục “An toàn về an ninh, trật tự”",
        [
            ("1", "Đăng ký phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự” ngay từ quý I hằng năm.", False, False),
            ("2", "Có nội quy, quy chế bảo đảm an ninh, trật tự trong nhà trường; cán bộ, giáo viên, người học được phổ biến đầy đủ.", False, False),
            ("3", "Có ít nhất một mô hình tự quản về an ninh, trật tự hoạt động hiệu quả.", True, False),
            ("4", "Phối hợp chặt chẽ với gia đình người học trong giáo dục, quản lý học sinh, sinh viên.", True, False),
            ("5", "Không để xảy ra bạo lực học đường.", True, False),
            ("6", "Không có người học phạm tội, mắc tệ nạn xã hội hoặc vi phạm pháp luật nghiêm trọng.", False, False),
        ],
    ),
}


def seed(apps, schema_editor):
    CriteriaSet = apps.get_model("certification", "CriteriaSet")
    Criterion = apps.get_model("certification", "Criterion")
    for year in YEARS:
        for kind, (name, criteria) in CRITERIA.items():
            criteria_set, _ = CriteriaSet.objects.get_or_create(
                subject_kind=kind, year=year, defaults={"name": f"{name} — năm {year}"}
            )
            for order, (code, text, confirmed, computed) in enumerate(criteria, start=1):
                Criterion.objects.get_or_create(
                    criteria_set=criteria_set,
                    code=code,
                    defaults={"text": text, "order": order, "confirmed": confirmed, "computed": computed},
                )


def unseed(apps, schema_editor):
    CriteriaSet = apps.get_model("certification", "CriteriaSet")
    CertificationRecord = apps.get_model("certification", "CertificationRecord")
    # Only remove the sets nobody has assessed against yet.
    used_years = set(CertificationRecord.objects.values_list("year", flat=True))
    CriteriaSet.objects.filter(year__in=[y for y in YEARS if y not in used_years]).delete()


class Migration(migrations.Migration):
    dependencies = [("certification", "0002_queue_index")]

    operations = [migrations.RunPython(seed, unseed)]

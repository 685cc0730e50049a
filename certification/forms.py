from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from certification.models import Criterion, CriterionAssessment, SubjectKind
from certification.services import DECISION_NUMBER_MAX
from registry.models import AdministrativeUnit

MET_CHOICES = [("", _("Chưa đánh giá")), ("yes", _("Đạt")), ("no", _("Chưa đạt"))]


def year_choices() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(y, y) for y in range(this_year + 1, this_year - 4, -1)]


class _NoTagForm(forms.Form):
    """Crispy renders the fields; the template writes the <form> tag (action, buttons)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class DossierForm(_NoTagForm):
    """Self-assessment: one met / not met + note per criterion, meeting date, submission number."""

    meeting_date = forms.DateField(
        label=_("Ngày họp đánh giá"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    submission_number = forms.CharField(label=_("Số tờ trình"), max_length=50, required=False)

    def __init__(
        self,
        *args,
        criteria: list[Criterion],
        assessments: dict[int, CriterionAssessment],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = [c for c in criteria if not c.computed]
        for criterion in self.criteria:
            current = assessments.get(criterion.pk)
            initial = "" if current is None or current.met is None else ("yes" if current.met else "no")
            self.fields[f"met_{criterion.pk}"] = forms.ChoiceField(
                label=gettext("Tiêu chí %(code)s") % {"code": criterion.code},
                choices=MET_CHOICES,
                required=False,
                initial=initial,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                label=_("Ghi chú"),
                required=False,
                initial=current.note if current else "",
                widget=forms.Textarea(
                    attrs={
                        "rows": 1,
                        "class": "form-control form-control-sm",
                        "aria-label": gettext("Ghi chú tiêu chí %(code)s") % {"code": criterion.code},
                    }
                ),
            )

    def criterion_rows(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"met_{c.pk}"], self[f"note_{c.pk}"]) for c in self.criteria]

    def assessments(self) -> dict[int, tuple[bool | None, str]]:
        data = self.cleaned_data
        values = {"yes": True, "no": False, "": None}
        return {
            c.pk: (values[data.get(f"met_{c.pk}") or ""], data.get(f"note_{c.pk}") or "")
            for c in self.criteria
        }


def decision_number_field() -> forms.CharField:
    """The decision number of an approval, as long as the record's field allows."""
    return forms.CharField(
        label=_("Số quyết định công nhận"),
        max_length=DECISION_NUMBER_MAX,
        error_messages={
            "required": _("Cần nhập số quyết định công nhận."),
            "max_length": _("Số quyết định công nhận quá dài (tối đa %(limit_value)d ký tự)."),
        },
    )


class ApproveForm(_NoTagForm):
    decision_number = decision_number_field()
    reason = forms.CharField(
        label=_("Ý kiến thẩm định"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(_NoTagForm):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(_NoTagForm):
    file = forms.FileField(
        label=_("Tệp đính kèm (PDF, PNG, JPEG)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}
        ),
    )


class RegisterFilterForm(_NoTagForm):
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int, choices=year_choices)
    commune = forms.ModelChoiceField(label=_("Xã/phường"), queryset=AdministrativeUnit.objects.none())

    def __init__(self, *args, communes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        self.helper.form_method = "get"


class QueueFilterForm(_NoTagForm):
    commune = forms.ModelChoiceField(
        label=_("Xã/phường"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        empty_label=_("Tất cả"),
    )
    kind = forms.ChoiceField(
        label=_("Đối tượng"), choices=[("", _("Tất cả")), *SubjectKind.choices], required=False
    )

    def __init__(self, *args, communes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes


class BatchApproveForm(_NoTagForm):
    records = forms.TypedMultipleChoiceField(
        coerce=int, choices=[], error_messages={"required": _("Chưa chọn hồ sơ nào.")}
    )
    decision_number = decision_number_field()
    reason = forms.CharField(label=_("Ý kiến thẩm định"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Ids are checked against the reviewer's scope in the view, not against a list here.
        self.fields["records"].valid_value = lambda value: str(value).isdigit()

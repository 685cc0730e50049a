from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.registration import audited_models
from audit.services import ChangeFilter
from registry.models import AdministrativeUnit


class ChangeFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Người thực hiện"),
        queryset=get_user_model()._base_manager.order_by("username"),
        required=False,
        empty_label=_("Tất cả"),
    )
    model = forms.ChoiceField(label=_("Loại dữ liệu"), required=False)
    unit = forms.CharField(
        label=_("Đơn vị hành chính (mã)"),
        max_length=5,
        required=False,
        help_text=_("Mã tỉnh, huyện hoặc xã: mọi thay đổi của dữ liệu thuộc đơn vị đó và cấp dưới."),
    )
    date_from = forms.DateField(
        label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # Bootstrap's look, as the other filter bars
            kind = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{kind} {kind}-sm"
        self.fields["model"].choices = [("", gettext("Tất cả"))] + [
            (model._meta.label_lower, capfirst(model._meta.verbose_name))
            for _entry, model, _history in audited_models()
        ]

    def clean_unit(self) -> AdministrativeUnit | None:
        code = self.cleaned_data["unit"].strip()
        if not code:
            return None
        # The open version of the unit; a closed one is found when no version is open.
        unit = (
            AdministrativeUnit.objects.filter(code=code).order_by("valid_to", "-valid_from").first()
            if code.isdigit()
            else None
        )
        if unit is None:
            raise forms.ValidationError(gettext("Không có đơn vị hành chính mã “%(code)s”.") % {"code": code})
        return unit

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(gettext("“Từ ngày” phải trước hoặc bằng “Đến ngày”."))
        return data

    def criteria(self) -> ChangeFilter:
        data = self.cleaned_data
        return ChangeFilter(
            user_id=data["user"].pk if data.get("user") else None,
            model_label=data.get("model") or None,
            unit_path=data["unit"].path if data.get("unit") else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

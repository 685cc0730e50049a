from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dataio.entities import all_entities


class ImportForm(forms.Form):
    entity = forms.ChoiceField(label=_("Loại dữ liệu"))
    file = forms.FileField(
        label=_("Tệp dữ liệu"),
        help_text=_("Excel (.xlsx, .xls) hoặc CSV (UTF-8, phân cách bằng dấu phẩy hoặc chấm phẩy)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entity"].choices = [(slug, _(resource.label)) for slug, resource in all_entities()]

from __future__ import annotations

from django import forms

from dataio.entities import all_entities


class ImportForm(forms.Form):
    entity = forms.ChoiceField(label="Loại dữ liệu")
    file = forms.FileField(
        label="Tệp dữ liệu",
        help_text="Excel (.xlsx, .xls) hoặc CSV (UTF-8, phân cách bằng dấu phẩy hoặc chấm phẩy).",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entity"].choices = [(slug, resource.label) for slug, resource in all_entities()]

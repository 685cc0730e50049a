"""Registry forms: every choice a user can pick is limited to what that user may edit.

A choice outside the scope is not offered, and a forged POST carrying one is rejected by the field
itself (``invalid_choice``) with a message that says why.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from registry.lookups import CommuneTaggedSelect, in_commune_label, searchable, unit_label
from registry.models import (
    AdministrativeUnit,
    ForceType,
    ForceUnit,
    ModelReview,
    ModelType,
    Organisation,
    ResidentialArea,
    SecurityModel,
    SteeringCommittee,
    UnitLevel,
)
from registry.text import name_key, normalize_text

OUT_OF_SCOPE = _("Lựa chọn này không tồn tại hoặc nằm ngoài phạm vi bạn được quản lý.")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return unit_label(obj)


class InCommuneChoiceField(forms.ModelChoiceField):
    """An area or organisation, labelled with its commune: many communes have a "Thôn 1"."""

    widget = CommuneTaggedSelect

    def label_from_instance(self, obj: Any) -> str:
        return in_commune_label(obj)


def editable_communes(user: User, keep: int | None = None) -> Any:
    """Communes in force that ``user`` may edit, plus ``keep`` (a row's own, perhaps closed, commune)."""
    communes = AdministrativeUnit.objects.editable_by(user).filter(level=UnitLevel.COMMUNE)
    current = communes.current()
    return current | communes.filter(pk=keep) if keep else current


class ScopedModelForm(forms.ModelForm):
    """A model form that knows its user, limits FK choices to their scope and NFC-normalises text."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        if "commune" in self.fields:
            field = self.fields["commune"]
            self.fields["commune"] = CommuneChoiceField(
                queryset=editable_communes(user, keep=self.instance.commune_id if self.instance.pk else None),
                label=field.label,
                error_messages={"invalid_choice": OUT_OF_SCOPE, "required": gettext("Hãy chọn xã/phường.")},
            )
            searchable(self.fields["commune"], "communes")
            # Commune staff have exactly one commune: choose it for them.
            if self.instance.pk is None and not self.initial.get("commune"):
                communes = list(self.fields["commune"].queryset[:2])
                if len(communes) == 1:
                    self.initial["commune"] = communes[0].pk
        for field in self.fields.values():
            choice = isinstance(field, forms.ModelChoiceField | forms.ChoiceField)
            if isinstance(field, forms.ModelChoiceField):
                field.error_messages["invalid_choice"] = OUT_OF_SCOPE
            if field.error_messages.get("required") == forms.Field.default_error_messages["required"]:
                message = gettext("Hãy chọn %(label)s.") if choice else gettext("Hãy nhập %(label)s.")
                field.error_messages["required"] = message % {"label": str(field.label).lower()}

    def validate_unique(self) -> None:
        super().validate_unique()
        self._check_name_variants()

    def _check_name_variants(self) -> None:
        """A name differing only in case or spacing from another of the commune is that name
        retyped (as the imports match rows); the table's constraint catches only exact copies."""
        name, commune = self.cleaned_data.get("name"), self.cleaned_data.get("commune")
        message = getattr(self.Meta, "error_messages", {}).get(NON_FIELD_ERRORS, {}).get("unique_together")
        if not (name and commune and message) or self.non_field_errors():
            return
        others = (
            type(self.instance)._base_manager.filter(commune=commune).exclude(pk=self.instance.pk).values_list("name")
        )
        if any(name_key(other) == name_key(name) for (other,) in others):
            self.add_error(None, message)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, value in cleaned.items():
            if not isinstance(value, str):
                continue
            if isinstance(self.fields[name].widget, forms.Textarea):
                cleaned[name] = unicodedata.normalize("NFC", value)  # keep the lines as typed
            else:
                cleaned[name] = normalize_text(value)
        return cleaned


class HostedForm(ScopedModelForm):
    """Forces and models: a commune, and optionally one area or organisation in it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"] = InCommuneChoiceField(
            queryset=ResidentialArea.objects.editable_by(self.user).select_related("commune"),
            required=False,
            label=_("Khu dân cư"),
            help_text=_("Để trống cả khu dân cư lẫn cơ quan nếu thuộc cấp xã."),
            error_messages={"invalid_choice": OUT_OF_SCOPE},
        )
        self.fields["organisation"] = InCommuneChoiceField(
            queryset=Organisation.objects.editable_by(self.user).select_related("commune"),
            required=False,
            label=_("Cơ quan, doanh nghiệp, nhà trường"),
            error_messages={"invalid_choice": OUT_OF_SCOPE},
        )
        for name, lookup in (("area", "areas"), ("organisation", "organisations")):
            self.fields[name].widget.attrs["data-commune-filter"] = "1"
            searchable(self.fields[name], lookup)


class ResidentialAreaForm(ScopedModelForm):
    class Meta:
        model = ResidentialArea
        error_messages = {
            NON_FIELD_ERRORS: {"unique_together": _("Xã/phường này đã có một khu dân cư cùng tên.")}
        }
        fields = [
            "commune",
            "name",
            "kind",
            "households",
            "population",
            "opened_on",
            "is_active",
            "closed_on",
        ]
        widgets = {"opened_on": DATE_WIDGET, "closed_on": DATE_WIDGET}


class OrganisationForm(ScopedModelForm):
    class Meta:
        model = Organisation
        error_messages = {
            NON_FIELD_ERRORS: {
                "unique_together": _("Xã/phường này đã có một cơ quan, doanh nghiệp, nhà trường cùng tên.")
            }
        }
        fields = [
            "commune",
            "name",
            "org_type",
            "address",
            "staff_count",
            "opened_on",
            "is_active",
            "closed_on",
        ]
        widgets = {"opened_on": DATE_WIDGET, "closed_on": DATE_WIDGET}


class SteeringCommitteeForm(ScopedModelForm):
    class Meta:
        model = SteeringCommittee
        error_messages = {
            NON_FIELD_ERRORS: {"unique_together": _("Xã/phường này đã có ban chỉ đạo với số quyết định này.")}
        }
        fields = [
            "commune",
            "decision_number",
            "decision_date",
            "head_name",
            "head_position",
            "member_count",
            "members",
            "is_active",
            "ended_on",
        ]
        widgets = {
            "decision_date": DATE_WIDGET,
            "ended_on": DATE_WIDGET,
            "members": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        commune, active = cleaned.get("commune"), cleaned.get("is_active")
        if commune and active:
            others = SteeringCommittee.objects.filter(commune=commune, is_active=True)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(
                    "is_active",
                    gettext(
                        "Xã/phường này đã có một ban chỉ đạo đang hoạt động; "
                        "hãy cho ban cũ thôi hoạt động trước."
                    ),
                )
        return cleaned


class ForceUnitForm(HostedForm):
    class Meta:
        model = ForceUnit
        error_messages = {
            NON_FIELD_ERRORS: {"unique_together": _("Xã/phường này đã có một lực lượng cùng tên.")}
        }
        fields = [
            "commune",
            "area",
            "organisation",
            "name",
            "force_type",
            "member_count",
            "leader_name",
            "leader_position",
            "established_on",
            "decision_number",
            "status",
            "stopped_on",
        ]
        widgets = {"established_on": DATE_WIDGET, "stopped_on": DATE_WIDGET}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["force_type"].queryset = ForceType.objects.filter(is_active=True)


class SecurityModelForm(HostedForm):
    class Meta:
        model = SecurityModel
        error_messages = {
            NON_FIELD_ERRORS: {"unique_together": _("Xã/phường này đã có một mô hình cùng tên.")}
        }
        fields = [
            "commune",
            "area",
            "organisation",
            "name",
            "model_type",
            "started_on",
            "participants",
            "status",
            "stopped_on",
            "replicated_from",
            "description",
        ]
        widgets = {
            "started_on": DATE_WIDGET,
            "stopped_on": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model_type"].queryset = ModelType.objects.filter(is_active=True)
        # Naming the model one copied does not change it: any model the user can read will do.
        source = SecurityModel.objects.visible_to(self.user)
        if self.instance.replicated_from_id:
            # The source may lie outside the user's scope; keeping the recorded link must stay possible.
            source = source | SecurityModel.objects.filter(pk=self.instance.replicated_from_id)
        if self.instance.pk:
            source = source.exclude(pk=self.instance.pk)
        source = source.select_related("commune")
        self.fields["replicated_from"] = InCommuneChoiceField(
            queryset=source,
            required=False,
            label=_("Nhân rộng từ mô hình"),
            error_messages={"invalid_choice": OUT_OF_SCOPE},
        )
        searchable(self.fields["replicated_from"], "source-models")


class ModelReviewForm(ScopedModelForm):
    class Meta:
        model = ModelReview
        error_messages = {
            NON_FIELD_ERRORS: {
                "unique_together": _("Mô hình này đã có một lần đánh giá cùng hình thức vào ngày này.")
            }
        }
        fields = ["reviewed_on", "kind", "effectiveness", "notes"]
        widgets = {"reviewed_on": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, model: SecurityModel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.model = model

    def _get_validation_exclusions(self) -> set[str]:
        # The model is set by the view, not a form field: still check "one review per day and kind".
        exclude = super()._get_validation_exclusions()
        exclude.discard("model")
        return exclude

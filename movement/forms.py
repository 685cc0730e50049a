"""Forms of the movement app. Every choice of a related row is limited to the user's scope."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from movement.indicators import indicator_choices
from movement.models import (
    Campaign,
    CampaignKind,
    CampaignResult,
    Commendation,
    CommendationForm,
    Plan,
    PlanTarget,
    RecipientKind,
    ResultMetric,
)
from registry.lookups import hosted_label, searchable, unit_label
from registry.models import AdministrativeUnit, ForceUnit, Organisation, SecurityModel

if TYPE_CHECKING:
    from accounts.models import User

# A plain string (the message id), translated where it is shown.
OUT_OF_SCOPE = gettext_noop("Lựa chọn không hợp lệ hoặc nằm ngoài phạm vi của bạn.")


class ScopedChoiceField(forms.ModelChoiceField):
    """A forged id outside the queryset (the user's scope) is refused with a clear message."""

    default_error_messages = {"invalid_choice": _(OUT_OF_SCOPE)}


class UnitChoiceField(ScopedChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return unit_label(obj)


class HostedChoiceField(ScopedChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return hosted_label(obj)


def _translate_choices(field: forms.ChoiceField) -> None:
    """Show a model's plain choice labels (also spreadsheet values) in the user's language."""
    field.choices = [(value, gettext(label) if value else label) for value, label in field.choices]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _units(user: User, keep_pk: int | None = None) -> Any:
    """Units in force today within the user's scope, plus the one already chosen (history stays editable)."""
    today = datetime.date.today()
    in_force = (Q(valid_from__isnull=True) | Q(valid_from__lte=today)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )
    return AdministrativeUnit.objects.editable_by(user).filter(in_force | Q(pk=keep_pk)).order_by("path")


def _choose_only_unit(form: forms.ModelForm, name: str) -> None:
    """Commune staff have exactly one unit to choose: choose it for them on a new row."""
    if form.instance.pk is None and not form.initial.get(name):
        units = list(form.fields[name].queryset[:2])
        if len(units) == 1:
            form.initial[name] = units[0].pk


class NoFormTagHelper(FormHelper):
    # Parent form and formsets share one <form> element in the templates.
    form_tag = False
    disable_csrf = True


class TableFormSetHelper(NoFormTagHelper):
    template = "bootstrap5/table_inline_formset.html"


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["number", "title", "issuing_unit", "issuer", "issued_on", "year_from", "year_to", "status"]
        fields += ["summary"]
        widgets = {"issued_on": _date_input(), "summary": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"issuing_unit": UnitChoiceField}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"].queryset = _units(user, self.instance.issuing_unit_id)
        searchable(self.fields["issuing_unit"], "units")
        _choose_only_unit(self, "issuing_unit")
        _translate_choices(self.fields["status"])
        self.helper = NoFormTagHelper()


class PlanTargetForm(forms.ModelForm):
    class Meta:
        model = PlanTarget
        fields = ["indicator", "scope_unit", "comparator", "value", "year", "note"]
        field_classes = {"scope_unit": UnitChoiceField}

    def __init__(
        self, *args: Any, user: User, indicators: list[tuple[str, str]], unit_choices: list, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"] = forms.ChoiceField(
            label=gettext("Chỉ tiêu"),
            choices=[("", "---------"), *indicators],
            error_messages={
                "invalid_choice": gettext("Chỉ tiêu “%(value)s” không có trong danh mục chỉ tiêu.")
            },
        )
        field = self.fields["scope_unit"]
        field.queryset = _units(user, self.instance.scope_unit_id)
        # Rendered from one list built once for the formset, not one query per row.
        chosen = self.instance.scope_unit_id
        if chosen and all(pk != chosen for pk, _ in unit_choices):
            unit_choices = [*unit_choices, (chosen, field.label_from_instance(self.instance.scope_unit))]
        field.choices = unit_choices


class StoredRowsFormSet(forms.BaseInlineFormSet):
    """An inline formset that deletes rows as they are stored.

    A form marked for deletion is not validated, yet its typed values (a year of 99999) are already
    copied onto its instance; the deletion's history row would record them, or fail to be written.
    """

    def delete_existing(self, obj: models.Model, commit: bool = True) -> None:
        if commit:
            obj.refresh_from_db()
        super().delete_existing(obj, commit=commit)


class BasePlanTargetFormSet(StoredRowsFormSet):
    def clean(self) -> None:
        super().clean()
        plan = self.instance
        if not (plan.year_from and plan.year_to):
            return
        for form in self.forms:
            year = form.cleaned_data.get("year") if form.cleaned_data else None
            if year and not form.cleaned_data.get("DELETE") and not plan.year_from <= year <= plan.year_to:
                form.add_error("year", gettext("Năm của chỉ tiêu phải nằm trong thời kỳ kế hoạch."))


PlanTargetFormSet = inlineformset_factory(
    Plan, PlanTarget, form=PlanTargetForm, formset=BasePlanTargetFormSet, extra=3, can_delete=True
)


def plan_target_formset(user: User, *args: Any, **kwargs: Any) -> forms.BaseInlineFormSet:
    # The indicator choices (one query) are built once for all the rows.
    field = UnitChoiceField(queryset=_units(user))
    unit_choices = [("", "---------")] + [(u.pk, field.label_from_instance(u)) for u in field.queryset]
    form_kwargs = {"user": user, "indicators": indicator_choices(), "unit_choices": unit_choices}
    formset = PlanTargetFormSet(*args, form_kwargs=form_kwargs, prefix="targets", **kwargs)
    formset.helper = TableFormSetHelper()
    return formset


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["kind", "name", "plan", "start_date", "end_date", "place", "organisers", "participants"]
        fields += ["description"]
        widgets = {
            "start_date": _date_input(),
            "end_date": _date_input(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"place": UnitChoiceField, "plan": ScopedChoiceField, "kind": ScopedChoiceField}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = CampaignKind.objects.filter(is_active=True)
        # Plans issued above the user's unit may be chosen: a commune carries out the province's plan.
        self.fields["plan"].queryset = Plan.objects.visible_to(user).order_by("-issued_on")
        self.fields["place"].queryset = _units(user, self.instance.place_id)
        searchable(self.fields["place"], "units")
        _choose_only_unit(self, "place")
        self.helper = NoFormTagHelper()


class CampaignResultForm(forms.ModelForm):
    class Meta:
        model = CampaignResult
        fields = ["metric", "value"]
        field_classes = {"metric": ScopedChoiceField}

    def __init__(self, *args: Any, metrics: Any, metric_choices: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = metrics
        # Rendered from one list built once for the formset, not one query per row.
        self.fields["metric"].choices = metric_choices
        self.fields["value"].widget.attrs["min"] = 0

    def clean_value(self) -> Any:
        value = self.cleaned_data["value"]
        if value is not None and value < 0:
            raise ValidationError(gettext("Giá trị không được âm."))
        return value


class CampaignResultFormSet(StoredRowsFormSet):
    def get_unique_error_message(self, unique_check: Any) -> str:
        # Django's message names the field ("metric"), not what the user chose twice.
        return gettext("Mỗi chỉ số chỉ nhập một lần cho một đợt vận động.")


def campaign_result_formset(*args: Any, instance: Campaign, **kwargs: Any) -> forms.BaseInlineFormSet:
    """One row per active metric not yet recorded, with the metric filled in: only values to type."""
    metrics = ResultMetric.objects.filter(is_active=True)
    metric_list = list(metrics)
    used = set(instance.results.values_list("metric_id", flat=True)) if instance.pk else set()
    missing = [m for m in metric_list if m.pk not in used]
    formset_class = inlineformset_factory(
        Campaign,
        CampaignResult,
        form=CampaignResultForm,
        formset=CampaignResultFormSet,
        extra=len(missing),
        can_delete=True,
    )
    choices = [("", "---------")] + [(m.pk, f"{m.name} ({m.unit})") for m in metric_list]
    formset = formset_class(
        *args,
        instance=instance,
        initial=[{"metric": m.pk} for m in missing],
        form_kwargs={"metrics": metrics, "metric_choices": choices},
        prefix="results",
        **kwargs,
    )
    formset.helper = TableFormSetHelper()
    return formset


class CommendationEditForm(forms.ModelForm):
    class Meta:
        model = Commendation
        fields = [
            "form",
            "authority",
            "decision_number",
            "decision_date",
            "year",
            "event",
            "recipient_kind",
            "security_model",
            "force_unit",
            "organisation",
            "unit",
            "recipient_name",
            "recipient_position",
            "reason",
        ]
        widgets = {"decision_date": _date_input(), "reason": forms.Textarea(attrs={"rows": 3})}
        field_classes = {
            "form": ScopedChoiceField,
            "unit": UnitChoiceField,
            "security_model": HostedChoiceField,
            "force_unit": HostedChoiceField,
            "organisation": HostedChoiceField,
        }
        help_texts = {
            "unit": _("Tập thể chọn trong sổ đăng ký thì lấy theo xã/phường của tập thể đó."),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = CommendationForm.objects.filter(is_active=True)
        self.fields["unit"].queryset = _units(user, self.instance.unit_id)
        searchable(self.fields["unit"], "units")
        self.fields["unit"].required = False
        _choose_only_unit(self, "unit")
        _translate_choices(self.fields["recipient_kind"])
        for name, model, lookup in (
            ("security_model", SecurityModel, "recipient-models"),
            ("force_unit", ForceUnit, "recipient-forces"),
            ("organisation", Organisation, "recipient-organisations"),
        ):
            self.fields[name].queryset = model.objects.editable_by(user).select_related("commune")
            searchable(self.fields[name], lookup)
        self.helper = NoFormTagHelper()
        self.helper.layout = Layout(
            Fieldset(
                gettext("Quyết định"),
                Row(Column("form"), Column("authority")),
                Row(Column("decision_number"), Column("decision_date"), Column("year")),
                "event",
            ),
            Fieldset(
                gettext("Tập thể, cá nhân được khen thưởng"),
                HTML(
                    format_html(
                        '<p class="small text-muted">{}</p>',
                        gettext(
                            "Tập thể: chọn một mô hình, lực lượng hoặc cơ quan trong sổ đăng ký, hoặc nhập "
                            "tên tập thể và chọn địa bàn. Cá nhân: chỉ họ tên và chức vụ."
                        ),
                    )
                ),
                "recipient_kind",
                Row(Column("security_model"), Column("force_unit"), Column("organisation")),
                Row(Column("unit"), Column("recipient_name"), Column("recipient_position")),
                "reason",
            ),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        links = [data.get(f) for f in ("security_model", "force_unit", "organisation") if data.get(f)]
        if data.get("recipient_kind") == RecipientKind.COLLECTIVE and len(links) == 1:
            # A registry collective is recorded under its own commune, whatever was typed.
            data["unit"] = links[0].commune
            self.instance.unit = links[0].commune
        elif not data.get("unit") and "unit" not in self.errors:
            self.add_error("unit", gettext("Chọn địa bàn của tập thể, cá nhân được khen thưởng."))
        if data.get("recipient_kind") == RecipientKind.COLLECTIVE:
            data["recipient_position"] = ""  # a position belongs to a person only
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do thu hồi"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, strip=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = NoFormTagHelper()


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=_date_input())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ValidationError(gettext("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        return data

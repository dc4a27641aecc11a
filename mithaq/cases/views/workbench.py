"""The workbench's routing pages: the office's rules (with a try-it box), the units'
assignment modes, the triage queue, the returned referrals, the opinions asked of a unit,
and the consultations panel of a case page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mithaq.accounts import access
from mithaq.accounts.access import access_for
from mithaq.accounts.decorators import staff_required
from mithaq.accounts.models import OrgUnit
from mithaq.cases.access import cases_visible_to, get_case_for_user
from mithaq.routing import rules
from mithaq.routing.models import (
    AssignmentMode,
    Consultation,
    Referral,
    RoutingRule,
    UnitAssignment,
)

from .. import services as case_services
from ..forms.workbench import AssignmentModeForm, RouteForm, RuleForm, TryRuleForm
from ..models import Case
from ..services import consultations, referrals
from ..states import Action, State

rules_manager_required = staff_required(allow=access.may_manage_routing)
# The triage queue and the returns belong to the citizens' affairs office.
office_required = staff_required(allow=lambda request: access_for(request).routes_cases)

QUEUE_SIZE = 100


def _managed_units(request):
    """The units whose assignment mode this person sets: every unit for office managers, a
    unit manager's own unit and those under it."""
    access = access_for(request)
    units = OrgUnit.objects.active().filter(accepts_cases=True)
    return [u for u in units if access.manages_unit(u)]


assignment_manager_required = staff_required(
    allow=lambda request: access_for(request).manages_some_unit
)


# --- Rules -----------------------------------------------------------------------------------


@require_GET
@rules_manager_required
def rule_list(request):
    rows = list(
        RoutingRule.objects.select_related("unit", "service", "default_officer").order_by(
            "position", "id"
        )
    )
    try_form = TryRuleForm(request.GET if "try" in request.GET else None)
    hit, tried = None, False
    if try_form.is_bound and try_form.is_valid():
        data = try_form.cleaned_data
        tried = True
        hit = rules.first_match(
            kind=data["kind"],
            channel=data["channel"],
            service_id=data["service"].pk if data["service"] else None,
            citizen_group=data["citizen_group"],
            subject=data["subject"],
            body=data["body"],
        )
    fallback = None
    if tried and hit is None:
        service = try_form.cleaned_data["service"]
        fallback = service.unit if service else rules.citizens_office()
    return render(
        request,
        "routing/workbench/rules.html",
        {
            "rules": rows,
            "try_form": try_form,
            "tried": tried,
            "hit": hit,
            "fallback": fallback,
            "may_set_assignment": access_for(request).manages_some_unit,
        },
    )


def _edit(request, rule):
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            rules.save_rule(rule=form.save(commit=False))
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                for error in errors:
                    form.add_error(None if field == "__all__" else field, error)
        else:
            messages.success(request, _("The rule is saved."))
            return redirect("routes:rules")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "routing/workbench/rule_form.html", {"form": form, "rule": rule}, status=status
    )


@require_http_methods(["GET", "POST"])
@rules_manager_required
def rule_new(request):
    return _edit(request, RoutingRule())


@require_http_methods(["GET", "POST"])
@rules_manager_required
def rule_edit(request, pk):
    return _edit(request, get_object_or_404(RoutingRule, pk=pk))


@require_POST
@rules_manager_required
def rule_move(request, pk, direction):
    if direction not in ("up", "down"):
        raise Http404
    rules.move_rule(rule=get_object_or_404(RoutingRule, pk=pk), up=direction == "up")
    return redirect("routes:rules")


@require_POST
@rules_manager_required
def rule_toggle(request, pk):
    rule = get_object_or_404(RoutingRule, pk=pk)
    rules.set_rule_active(rule=rule, active=not rule.is_active)
    messages.success(
        request,
        _("The rule is active again.") if not rule.is_active else _("The rule is switched off."),
    )
    return redirect("routes:rules")


@require_POST
@rules_manager_required
def rule_delete(request, pk):
    rules.delete_rule(rule=get_object_or_404(RoutingRule, pk=pk))
    messages.success(request, _("The rule is deleted."))
    return redirect("routes:rules")


# --- Assignment within a unit ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@assignment_manager_required
def assignment_modes(request):
    units = _managed_units(request)
    modes = {
        p.unit_id: p
        for p in UnitAssignment.objects.filter(unit__in=units).select_related("last_assignee")
    }
    bad_unit, bad_form = None, None
    if request.method == "POST":
        try:
            unit_id = int(request.POST.get("unit", ""))
        except ValueError:
            raise Http404 from None
        unit = next((u for u in units if u.pk == unit_id), None)
        if unit is None:
            raise Http404
        form = AssignmentModeForm(request.POST, prefix=f"u{unit.pk}")
        if form.is_valid():
            rules.set_assignment_mode(unit=unit, mode=form.cleaned_data["mode"])
            messages.success(
                request,
                _("%(unit)s: %(mode)s.")
                % {"unit": unit.name, "mode": AssignmentMode(form.cleaned_data["mode"]).label},
            )
            return redirect("routes:assignment")
        bad_unit, bad_form = unit, form
    rows = []
    for unit in units:
        policy = modes.get(unit.pk)
        row_form = (
            bad_form
            if unit == bad_unit
            else AssignmentModeForm(
                prefix=f"u{unit.pk}",
                initial={"mode": policy.mode if policy else AssignmentMode.MANUAL},
            )
        )
        rows.append({"unit": unit, "policy": policy, "form": row_form})
    status = 400 if bad_form is not None else 200
    return render(request, "routing/workbench/assignment.html", {"rows": rows}, status=status)


# --- The office's queues ---------------------------------------------------------------------


def _route_units():
    return list(OrgUnit.objects.active().filter(accepts_cases=True))


@require_GET
@office_required
def triage(request):
    office = rules.citizens_office()
    cases = []
    if office is not None:
        cases = list(
            cases_visible_to(
                request,
                Case.objects.filter(unit=office, state=State.RECEIVED, assignee__isnull=True),
            )
            .select_related("service")
            .only("code", "subject", "kind", "channel", "is_urgent", "created_at", "service")
            .order_by("-is_urgent", "created_at")[:QUEUE_SIZE]
        )
    form = RouteForm(units=_route_units())
    return render(
        request, "routing/workbench/triage.html", {"cases": cases, "form": form, "office": office}
    )


@require_GET
@office_required
def returns(request):
    rows = list(referrals.open_returns()[:QUEUE_SIZE])
    form = RouteForm(units=_route_units())
    return render(request, "routing/workbench/returns.html", {"rows": rows, "form": form})


@require_POST
@office_required
def route(request, code):
    """Send a case from the triage queue or the returns list to a unit (a referral)."""
    case = get_case_for_user(request, code, action=Action.REFER)
    back = "routes:returns" if request.POST.get("back") == "returns" else "routes:triage"
    form = RouteForm(request.POST, units=_route_units())
    if form.is_valid():
        try:
            case_services.refer_case(
                case=case,
                actor=request.user,
                to_unit=form.cleaned_data["to_unit"],
                reason=form.cleaned_data["reason"]
                or _("Directed by the citizens' affairs office."),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(code)s is sent to %(unit)s.")
                % {"code": case.code, "unit": form.cleaned_data["to_unit"].name},
            )
    else:
        messages.error(request, _("Choose the unit to send the case to."))
    return redirect(back)


# --- Consultations ---------------------------------------------------------------------------


@require_GET
@staff_required
def asked_of_my_unit(request):
    rows = list(consultations.asked_of(request.user)[:QUEUE_SIZE])
    return render(request, "routing/workbench/consultations.html", {"rows": rows})


@require_GET
@staff_required
def case_panel(request, code):
    """The consultations and referrals of a case, loaded with the page by HTMX."""
    case = get_case_for_user(request, code)
    asked = list(
        Consultation.objects.filter(case=case).select_related("unit", "asked_by", "answered_by")
    )
    referral = (
        Referral.objects.filter(case=case).select_related("from_unit", "to_unit").first()
        if case.state in (State.REFERRED, State.UNDER_REVIEW, State.RECEIVED)
        else None
    )
    template = (
        "routing/workbench/_case_panel.html"
        if request.headers.get("HX-Request")
        else "routing/workbench/case_panel.html"
    )
    return render(
        request,
        template,
        {
            "case": case,
            "waiting": [c for c in asked if c.is_open],
            "answered": [c for c in asked if not c.is_open],
            "referral": referral,
        },
    )

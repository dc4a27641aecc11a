"""The survey's pages: the citizen's personal link (no sign-in), the window's tablet, and the
staff's results, comments and follow-up list."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mithaq.accounts import access
from mithaq.accounts.decorators import staff_required
from mithaq.cases.models import Case
from mithaq.common import links
from mithaq.common.ratelimit import client_address, over_limit
from mithaq.walkin.kiosk import screen_window, window_screen
from mithaq.walkin.models import Ticket
from mithaq.walkin.states import TicketState

from . import outcomes, selectors, services
from .forms import OutcomeStepForm, PeriodForm, SurveyForm
from .models import FollowUp, OutcomeStage, SuggestionOutcome, SurveyAnswer
from .states import Via

RATE_WINDOW = 3600


def _problem(request, problem: str, *, status: int, until: datetime.datetime | None = None):
    """A clear page for a link that cannot open the survey: never a 500, and nothing of the
    case or ticket behind it."""
    return render(
        request, "surveys/problem.html", {"problem": problem, "until": until}, status=status
    )


def _rate_limited(request) -> bool:
    return over_limit(
        f"survey:post:{client_address(request)}",
        limit=settings.MITHAQ_SURVEY_POSTS_PER_HOUR,
        window=RATE_WINDOW,
    )


def _subject(subject: str, pk: int) -> Case | Ticket | None:
    if subject == "c":
        return Case.objects.select_related("unit").filter(pk=pk).first()
    return Ticket.objects.select_related("hall", "hall_service__service").filter(pk=pk).first()


def _existing(target: Case | Ticket) -> SurveyAnswer | None:
    if isinstance(target, Case):
        return SurveyAnswer.objects.filter(case=target).first()
    return SurveyAnswer.objects.filter(ticket=target).first()


def _save(target: Case | Ticket, form: SurveyForm, via: str) -> SurveyAnswer:
    if isinstance(target, Case):
        return services.answer_case_survey(case=target, answer=form.answer(), via=via)
    return services.answer_ticket_survey(ticket=target, answer=form.answer(), via=via)


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, subject: str, token: str):
    """The survey behind a personal link: a case's (subject "c") or a ticket's ("t")."""
    purpose = links.SURVEY_PURPOSES.get(subject)
    if purpose is None:
        return _problem(request, "bad", status=404)
    max_age = datetime.timedelta(days=settings.MITHAQ_SURVEY_LINK_DAYS)
    try:
        pk = links.read_token(purpose, token, max_age=max_age)
    except links.BadLink:
        return _problem(request, "bad", status=404)
    except links.ExpiredLink as expired:
        return _problem(request, "expired", status=410, until=expired.made_at + max_age)
    target = _subject(subject, pk)
    if target is None:
        return _problem(request, "bad", status=404)
    existing = _existing(target)
    now = timezone.now()
    if existing is not None and not services.may_change(existing, now):
        return _problem(
            request, "answered", status=410, until=existing.answered_at + services.change_window()
        )
    ready = target.state == (TicketState.DONE if isinstance(target, Ticket) else "closed")
    if existing is None and not ready:
        return _problem(request, "not_ready", status=409)
    if request.method == "POST":
        if _rate_limited(request):
            response = _problem(request, "too_many", status=429)
            response["Retry-After"] = str(RATE_WINDOW)
            return response
        form = SurveyForm(request.POST)
        if form.is_valid():
            try:
                saved = _save(target, form, Via.LINK)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return render(
                    request,
                    "surveys/thanks.html",
                    {
                        "until": saved.answered_at + services.change_window(),
                        "again": request.path,
                    },
                )
    else:
        form = SurveyForm(initial=SurveyForm.initial_of(existing))
    return render(
        request,
        "surveys/answer.html",
        {"form": form, "target": target, "is_case": isinstance(target, Case), "existing": existing},
        status=400 if form.is_bound else 200,
    )


def _tablet_ticket(counter) -> Ticket | None:
    """The visitor just served at this window, if they have not answered yet and were
    served in the last quarter of an hour (the tablet does not ask the next visitor about
    someone else's visit)."""
    since = timezone.now() - datetime.timedelta(minutes=15)
    return (
        Ticket.objects.filter(
            counter=counter,
            state=TicketState.DONE,
            finished_at__gte=since,
            survey_answer__isnull=True,
        )
        .select_related("hall", "hall_service__service")
        .order_by("-finished_at", "-id")
        .first()
    )


@require_http_methods(["GET", "POST"])
@window_screen
def tablet(request, hall: str, number: int):
    """The survey on the window's tablet, for the visitor just served (walkin's three faces
    stay on their own tablet page). An enrolled tablet needs no staff session."""
    hall_row, counter = screen_window(request, hall, number)
    ticket = _tablet_ticket(counter)
    form = SurveyForm(request.POST or None)
    if request.method == "POST":
        if _rate_limited(request):
            response = _problem(request, "too_many", status=429)
            response["Retry-After"] = str(RATE_WINDOW)
            return response
        if ticket is None or request.POST.get("ticket") != str(ticket.pk):
            messages.error(request, _("This visit has been answered already. Thank you."))
            return redirect("surveys:tablet", hall=hall_row.code, number=counter.number)
        if form.is_valid():
            try:
                _save(ticket, form, Via.TABLET)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Thank you for your answers."))
                return redirect("surveys:tablet", hall=hall_row.code, number=counter.number)
    return render(
        request,
        "surveys/tablet.html",
        {"hall": hall_row, "counter": counter, "ticket": ticket, "form": form},
        status=400 if form.is_bound else 200,
    )


# Staff --------------------------------------------------------------------------------------


def _follows_suggestions(request) -> bool:
    """The citizens' affairs office records what became of accepted suggestions."""
    return access.access_for(request).routes_cases


def _period(request) -> tuple[PeriodForm, datetime.datetime, datetime.datetime]:
    form = PeriodForm(request.GET or None)
    first, last = form.period(timezone.localdate())
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return form, start, end


@require_GET
@staff_required
def results(request):
    """The figures of the units this person oversees, overall and by each dimension; and
    their own figures, which only they see here. No table lists people."""
    form, start, end = _period(request)
    units = access.satisfaction_units(request)
    context = {
        "form": form,
        "start": start,
        "end": end - datetime.timedelta(days=1),
        "min_answers": selectors.MIN_ANSWERS,
        "own": selectors.own_figures(request.user, start=start, end=end),
        "follows_suggestions": _follows_suggestions(request),
    }
    if units is not None:
        context["overall"], by = selectors.all_breakdowns(units, start=start, end=end)
        # The rows' cells are written in the loop (not an include per row, with this text
        # translated once): a year's tables have a few hundred rows.
        context["few"] = ngettext(
            "Fewer than %(n)s answer: not shown",
            "Fewer than %(n)s answers: not shown",
            selectors.MIN_ANSWERS,
        ) % {"n": selectors.MIN_ANSWERS}
        context["tables"] = [(key, label, by[key]) for key, label in selectors.DIMENSIONS.items()]
    return render(request, "surveys/results.html", context)


def _units_or_404(request) -> Q:
    units = access.satisfaction_units(request)
    if units is None:
        raise Http404
    return units


@require_GET
@staff_required
def comments(request):
    units = _units_or_404(request)
    moderator = access.access_for(request).manages_some_unit
    rows = list(selectors.comments(units, include_hidden=moderator)[:200])
    return render(
        request,
        "surveys/comments.html",
        {
            "rows": [(row, access.may_moderate_survey_comments(request, row.unit)) for row in rows],
            "follows_suggestions": _follows_suggestions(request),
        },
    )


def _moderated_answer(request, pk: int) -> SurveyAnswer:
    units = _units_or_404(request)
    answer = get_object_or_404(SurveyAnswer.objects.filter(units).select_related("unit"), pk=pk)
    if not access.may_moderate_survey_comments(request, answer.unit):
        raise Http404
    return answer


@require_POST
@staff_required
def comment_hide(request, pk: int):
    answer = _moderated_answer(request, pk)
    services.hide_comment(answer=answer, hidden=request.POST.get("hidden") != "0")
    return redirect("satisfaction:comments")


@require_POST
@staff_required
def comment_acted(request, pk: int):
    answer = _moderated_answer(request, pk)
    services.mark_acted_on(answer=answer, actor=request.user)
    return redirect("satisfaction:comments")


@require_GET
@staff_required
def follow_up(request):
    units = _units_or_404(request)
    rows = list(selectors.follow_ups(units)[:200])
    return render(
        request,
        "surveys/follow_up.html",
        {
            "rows": [(row, access.may_moderate_survey_comments(request, row.unit)) for row in rows],
            "follows_suggestions": _follows_suggestions(request),
        },
    )


@require_POST
@staff_required
def follow_up_done(request, pk: int):
    units = _units_or_404(request)
    row = get_object_or_404(FollowUp.objects.filter(units).select_related("unit"), pk=pk)
    if not access.may_moderate_survey_comments(request, row.unit):
        raise Http404
    services.close_follow_up(follow_up=row, actor=request.user)
    return redirect("satisfaction:follow_up")


# Suggestions followed to the end ------------------------------------------------------------


@require_GET
@staff_required(allow=_follows_suggestions)
def suggestions(request):
    """The accepted suggestions and the stage each has reached."""
    cases = list(
        outcomes.accepted_suggestions()
        .select_related("unit", "suggestion_outcome")
        .order_by("-updated_at", "-id")[:200]
    )
    rows = []
    for case in cases:
        outcome = getattr(case, "suggestion_outcome", None)
        following = outcomes.next_stage(outcome)
        rows.append(
            {
                "case": case,
                "outcome": outcome,
                "next": OutcomeStage(following).label if following else None,
            }
        )
    return render(request, "surveys/suggestions.html", {"rows": rows, "oversees": True})


@require_http_methods(["GET", "POST"])
@staff_required(allow=_follows_suggestions)
def suggestion(request, code: str):
    """One accepted suggestion: its stages so far and the form for the next."""
    case = get_object_or_404(outcomes.accepted_suggestions().select_related("unit"), code=code)
    outcome = (
        SuggestionOutcome.objects.filter(case=case).prefetch_related("steps__recorded_by").first()
    )
    following = outcomes.next_stage(outcome)
    form = OutcomeStepForm(request.POST or None, first=outcome is None)
    if request.method == "POST" and following is not None and form.is_valid():
        try:
            outcomes.record_stage(
                case=case, actor=request.user, stage=following, **form.cleaned_data
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("The stage is recorded."))
            return redirect("satisfaction:suggestion", code=case.code)
    return render(
        request,
        "surveys/suggestion.html",
        {
            "case": case,
            "outcome": outcome,
            "steps": list(outcome.steps.all()) if outcome else [],
            "next": OutcomeStage(following) if following else None,
            "form": form if following else None,
            "oversees": True,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
def you_said_we_did(request):
    """The public page: implemented suggestions, in public words only."""
    return render(
        request,
        "surveys/you_said_we_did.html",
        {"nav": "you_said", "outcomes": outcomes.implemented()},
    )

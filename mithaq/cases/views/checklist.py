"""Staff pages of a service's checklist on a case: mark documents, complete the file."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from mithaq.accounts.decorators import staff_required
from mithaq.cases.access import get_case_for_user
from mithaq.cases.services import CaseStateError, checklist
from mithaq.cases.states import Action

# Who works the case's documents: whoever may ask its citizen for information.
RIGHT = Action.REQUEST_INFO


@require_POST
@staff_required
def mark_documents(request, code):
    case = get_case_for_user(request, code, action=RIGHT)
    statuses = {}
    for key, value in request.POST.items():
        if key.startswith("doc-") and value:
            try:
                statuses[int(key[4:])] = value
            except ValueError:
                continue
    try:
        checklist.mark_documents(case=case, actor=request.user, statuses=statuses)
    except (ValidationError, CaseStateError) as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The documents are marked."))
    return redirect("cases:detail", code=case.code)


@require_POST
@staff_required
def complete_file(request, code):
    case = get_case_for_user(request, code, action=RIGHT)
    try:
        checklist.complete_file(case=case, actor=request.user)
    except (ValidationError, CaseStateError) as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The file is complete."))
    return redirect("cases:detail", code=case.code)

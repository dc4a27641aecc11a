"""The office manager's catalogue pages: every service, its names, its versions, and a
version's details edited Arabic and English side by side, with a preview of its public page.
Anyone else gets 404 (accounts.access.may_edit_service_catalogue)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mithaq.accounts import access
from mithaq.accounts.decorators import staff_required

from . import services
from .forms import FORMSETS, NewVersionForm, ServiceForm, VersionForm
from .models import Service, ServiceVersion

catalogue_manager_required = staff_required(allow=access.may_edit_service_catalogue)


def _service(code: str) -> Service:
    service = Service.objects.select_related("unit").filter(code=code).first()
    if service is None:
        raise Http404
    return service


def _version(service: Service, pk: int) -> ServiceVersion:
    version = service.versions.filter(pk=pk).first()
    if version is None:
        raise Http404
    return version


@require_GET
@catalogue_manager_required
def service_list(request):
    rows = Service.objects.select_related("unit").prefetch_related("versions")
    return render(request, "catalog/staff/list.html", {"services": rows})


@require_http_methods(["GET", "POST"])
@catalogue_manager_required
def service_edit(request, code):
    service = _service(code)
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        services.save_service(form)
        messages.success(request, _("The service is saved."))
        return redirect("catalog:edit", code=service.code)
    return render(
        request,
        "catalog/staff/service.html",
        {
            "service": service,
            "form": form,
            "versions": [
                (version, services.is_editable(version)) for version in service.versions.all()
            ],
            "current": service.version_on(),
            "new_version_form": NewVersionForm(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@catalogue_manager_required
def version_new(request, code):
    service = _service(code)
    form = NewVersionForm(request.POST)
    if form.is_valid():
        try:
            version = services.start_version(
                service=service, effective_from=form.cleaned_data["effective_from"]
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            return redirect("catalog:version", code=service.code, pk=version.pk)
    else:
        messages.error(request, _("Give the date the new version takes effect."))
    return redirect("catalog:edit", code=service.code)


@require_http_methods(["GET", "POST"])
@catalogue_manager_required
def version_edit(request, code, pk):
    service = _service(code)
    version = _version(service, pk)
    editable = services.is_editable(version)
    if request.method == "POST" and not editable:
        messages.error(
            request, _("This version is in effect or used by a case: start a new version.")
        )
        return redirect("catalog:version", code=service.code, pk=version.pk)
    data = request.POST if request.method == "POST" else None
    form = VersionForm(data, instance=version)
    formsets = [
        (heading, cls(data, instance=version, prefix=prefix)) for prefix, heading, cls in FORMSETS
    ]
    if data is not None and form.is_valid() and all(fs.is_valid() for _h, fs in formsets):
        services.save_version(form, [formset for _heading, formset in formsets])
        messages.success(request, _("The version is saved."))
        return redirect("catalog:version", code=service.code, pk=version.pk)
    return render(
        request,
        "catalog/staff/version.html",
        {
            "service": service,
            "version": version,
            "editable": editable,
            "form": form,
            "formsets": formsets,
        },
        status=400 if data is not None else 200,
    )


@require_GET
@catalogue_manager_required
def version_preview(request, code, pk):
    service = _service(code)
    version = _version(service, pk)
    return render(
        request,
        "catalog/staff/preview.html",
        {"service": service, "version": version, "open": service.is_active, "preview": True},
    )

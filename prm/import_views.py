"""The pages of a CSV import (prm/imports.py): upload with a dry run, live progress, the report of bad rows
and a sample file. An app's import views subclass them with its `kind`, `url_base` and templates."""

import tablib
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from prm.exports import csv_response
from prm.forms import BootstrapFormMixin
from prm.imports import (
    ImportSpec,
    error_report_rows,
    get_spec,
    live_processed_rows,
    max_bytes,
    max_rows,
    read_upload,
    size_label,
    start_import,
)
from prm.models import ImportJob


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"))
    dry_run = forms.BooleanField(
        required=False, initial=True, label=gettext_lazy("Dry run: check every row and change nothing")
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        self.text = read_upload(uploaded)
        return uploaded


class ImportViewMixin:
    """Set `kind`, `url_base` (e.g. "partners:import") and `template_name` on the subclasses."""

    kind = ""
    url_base = ""

    @property
    def spec(self) -> ImportSpec:
        return get_spec(self.kind)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        self.spec.require(request.user, self.spec.permission, standing=False)  # 403 with the permission's sentence
        return super().dispatch(request, *args, **kwargs)

    def urls(self, job: ImportJob | None = None) -> dict:
        urls = {"upload": reverse(self.url_base), "sample": reverse(f"{self.url_base}_sample")}
        if job is not None:
            urls["progress"] = reverse(f"{self.url_base}_progress", args=[job.pk])
            urls["report"] = reverse(f"{self.url_base}_report", args=[job.pk])
        return urls

    def own_job(self, pk: int) -> ImportJob:
        """The user's own job of this kind; anyone else's is a 404, never a 403."""
        job = ImportJob.objects.filter(pk=pk, kind=self.kind, uploaded_by=self.request.user).first()
        if job is None:
            raise Http404
        return job


class ImportUploadView(ImportViewMixin, View):
    template_name = "prm/import.html"

    def context(self, form):
        recent = ImportJob.objects.filter(kind=self.kind, uploaded_by=self.request.user).defer("content")[:10]
        recent = [(job, reverse(f"{self.url_base}_progress", args=[job.pk])) for job in recent]
        return {
            "form": form,
            "spec": self.spec,
            "urls": self.urls(),
            "recent": recent,
            "max_size": size_label(max_bytes()),
            "max_rows": max_rows(),
        }

    def get(self, request):
        return render(request, self.template_name, self.context(ImportUploadForm()))

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = start_import(
                    actor=request.user,
                    kind=self.kind,
                    content=form.text,
                    file_name=form.cleaned_data["file"].name,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ValidationError as error:
                form.add_error("file", error.messages)
            else:
                from prm.tasks import run_import as run_import_task

                run_import_task.delay(job.pk, translation.get_language())
                if job.dry_run:
                    messages.info(request, _("Dry run started: nothing will be written."))
                return redirect(f"{self.url_base}_progress", job.pk)
        return render(request, self.template_name, self.context(form), status=400)


class ImportProgressView(ImportViewMixin, View):
    template_name = "prm/import_progress.html"

    def get(self, request, pk):
        job = self.own_job(pk)
        processed = live_processed_rows(job)
        percent = 100 if job.status == ImportJob.Status.DONE else min(100, processed * 100 // max(job.total_rows, 1))
        context = {
            "job": job,
            "spec": self.spec,
            "urls": self.urls(job),
            "processed": processed,
            "percent": percent,
            "percent_step": percent // 10 * 10,
            "errors": job.errors[:200],
        }
        template = "prm/partials/import_progress.html" if request.htmx else self.template_name
        return render(request, template, context)


class ImportReportView(ImportViewMixin, View):
    def get(self, request, pk):
        job = self.own_job(pk)
        header, rows = error_report_rows(job)
        columns = [(name, (lambda row, i=i: row[i] if i < len(row) else "")) for i, name in enumerate(header)]
        return csv_response(f"{job.kind}-import-{job.pk}-errors.csv", columns, rows)


class ImportSampleView(ImportViewMixin, View):
    def get(self, request):
        dataset = tablib.Dataset(headers=self.spec.column_names())
        for sample in self.spec.sample_rows:
            dataset.append([sample.get(name, "") for name in self.spec.column_names()])
        response = HttpResponse(dataset.export("csv"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.kind}-sample.csv"'
        return response

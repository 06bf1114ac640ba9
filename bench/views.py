"""The bare yardstick: a tiny template behind the workspace's whole middleware stack."""

from django.shortcuts import render


def bare(request):
    return render(request, "bench/bare.html", {"name": request.user.get_full_name()})

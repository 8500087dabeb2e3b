"""A realistic demo trial: sites, participants, weekly visits (planned and done), vital-sign measurements, adverse
events, and related files (text notes, images) uploaded to S3 before their metadata. Deterministic for a seed."""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PIL import Image, ImageDraw

from shared import clock
from shared.trials import store

SITES = (
    ("S01", "Boston General", "Boston"),
    ("S02", "Lakeside Clinic", "Chicago"),
    ("S03", "St Mary's Research Unit", "London"),
    ("S04", "Rhine Medical Centre", "Cologne"),
    ("S05", "Harbour Hospital", "Sydney"),
)
MEASUREMENTS = (
    ("systolic_bp", "mmHg", 128.0, 14.0),
    ("diastolic_bp", "mmHg", 82.0, 9.0),
    ("heart_rate", "bpm", 72.0, 10.0),
    ("weight", "kg", 79.0, 13.0),
)
AE_TERMS = ("Headache", "Nausea", "Dizziness", "Fatigue", "Rash", "Insomnia", "Cough", "Back pain")
NOTE_TEMPLATES = (
    "Participant {p} attended the week {w} visit at {site}. Vital signs recorded; no protocol deviations.",
    "Coordinator note for {p}: dosing diary reviewed, adherence about {adh}%. Next visit confirmed.",
    "Follow-up call with {p}: reports {term} since the last visit, graded mild; investigator informed.",
)


@dataclass(frozen=True)
class TrialSummary:
    trial_id: str
    participants: int
    visits: int
    measurements: int
    adverse_events: int
    files: int

    def line(self) -> str:
        return (
            f"trial {self.trial_id}: {self.participants} participants, {self.visits} visits, "
            f"{self.measurements} measurements, {self.adverse_events} adverse events, {self.files} files"
        )


def chart_image(seed: int, kind: str = "png") -> tuple[bytes, str]:
    """A small rhythm-strip image (PNG or JPEG) standing in for a scanned ECG or a wound photo."""
    rng = random.Random(seed)
    image = Image.new("RGB", (480, 200), (250, 246, 240))
    draw = ImageDraw.Draw(image)
    for x in range(0, 480, 20):
        draw.line([(x, 0), (x, 200)], fill=(240, 200, 200))
    for y in range(0, 200, 20):
        draw.line([(0, y), (480, y)], fill=(240, 200, 200))
    beat = rng.uniform(55, 75)
    points = []
    for x in range(480):
        phase = (x % beat) / beat
        spike = 70 * math.exp(-(((phase - 0.3) * 30) ** 2)) - 15 * math.exp(-(((phase - 0.36) * 25) ** 2))
        points.append((x, 120 - spike - 8 * math.sin(phase * 2 * math.pi) + rng.uniform(-1.5, 1.5)))
    draw.line(points, fill=(30, 30, 90), width=2)
    out = io.BytesIO()
    if kind == "jpg":
        image.save(out, format="JPEG", quality=80)
        return out.getvalue(), "image/jpeg"
    image.save(out, format="PNG", optimize=True)
    return out.getvalue(), "image/png"


def _directory(tenant_id: str, trial_id: str, name: str, members: tuple[str, ...]) -> list[dict[str, Any]]:
    key = store.directory_key(tenant_id)
    items: list[dict[str, Any]] = [
        {"trialKey": key, "recordKey": f"trial#{trial_id}", "trialId": trial_id, "name": name}
    ]
    items += [
        {"trialKey": key, "recordKey": f"member#{user}#{trial_id}", "trialId": trial_id, "userId": user}
        for user in members
    ]
    return items


def generate_trial(
    tenant_id: str,
    trial_id: str,
    *,
    name: str = "CARDIO-22: a phase II study of a once-daily antihypertensive",
    participants: int = 48,
    sites: int = 4,
    weeks: int = 10,
    members: tuple[str, ...] = (),
    seed: int = 7,
    today: date | None = None,
    files_per_week: int = 3,
) -> TrialSummary:
    """Write one trial for `tenant_id`; `members` are the user ids enrolled to receive its reports."""
    rng = random.Random(f"{seed}-{tenant_id}-{trial_id}")
    today = today or clock.now().date()
    first_week = today - timedelta(days=today.weekday() + 7 * weeks)
    tkey = store.trial_key(tenant_id, trial_id)
    chosen_sites = SITES[: max(1, min(sites, len(SITES)))]
    items: list[dict[str, Any]] = [
        {
            "trialKey": tkey,
            "recordKey": "trial",
            "trialId": trial_id,
            "tenantId": tenant_id,
            "name": name,
            "phase": "II",
            "startedOn": first_week.isoformat(),
        },
        *_directory(tenant_id, trial_id, name, members),
        *(
            {"trialKey": tkey, "recordKey": f"site#{sid}", "siteId": sid, "name": sname, "city": city}
            for sid, sname, city in chosen_sites
        ),
    ]
    counts = {"visit": 0, "measurement": 0, "ae": 0}
    for number in range(1, participants + 1):
        pid = f"P{number:04d}"
        site = chosen_sites[number % len(chosen_sites)][0]
        enrolled = first_week + timedelta(days=rng.randint(0, 7 * max(1, weeks - 2)))
        items.append(
            {
                "trialKey": tkey,
                "recordKey": f"participant#{pid}",
                "participantId": pid,
                "siteId": site,
                "enrolledOn": enrolled.isoformat(),
                "arm": rng.choice(("treatment", "placebo")),
                "age": rng.randint(34, 78),
                "sex": rng.choice(("F", "M")),
            }
        )
        planned = enrolled
        visit_number = 0
        while planned <= today + timedelta(days=14):
            visit_number += 1
            vid = f"{pid}-V{visit_number:02d}"
            done = planned <= today and rng.random() < 0.88
            status = "done" if done else ("missed" if planned < today else "scheduled")
            items.append(
                {
                    "trialKey": tkey,
                    "recordKey": f"visit#{planned.isoformat()}#{vid}",
                    "visitId": vid,
                    "participantId": pid,
                    "siteId": site,
                    "plannedOn": planned.isoformat(),
                    "doneOn": planned.isoformat() if done else None,
                    "status": status,
                }
            )
            counts["visit"] += 1
            if done:
                for kind, unit, mean, sd in MEASUREMENTS:
                    counts["measurement"] += 1
                    items.append(
                        {
                            "trialKey": tkey,
                            "recordKey": f"measurement#{planned.isoformat()}#{vid}-{kind}",
                            "participantId": pid,
                            "siteId": site,
                            "visitId": vid,
                            "kind": kind,
                            "unit": unit,
                            "value": round(rng.gauss(mean, sd), 1),
                            "takenOn": planned.isoformat(),
                        }
                    )
                if rng.random() < 0.07:
                    counts["ae"] += 1
                    items.append(
                        {
                            "trialKey": tkey,
                            "recordKey": f"ae#{planned.isoformat()}#{vid}",
                            "participantId": pid,
                            "siteId": site,
                            "term": rng.choice(AE_TERMS),
                            "severity": rng.choices(("mild", "moderate", "severe"), (70, 25, 5))[0],
                            "serious": rng.random() < 0.05,
                            "onsetOn": planned.isoformat(),
                            "outcome": rng.choice(("recovered", "recovering", "ongoing")),
                        }
                    )
            planned += timedelta(days=7)
    store.put_records(items)
    files = _generate_files(rng, tenant_id, trial_id, chosen_sites, participants, first_week, today, files_per_week)
    return TrialSummary(trial_id, participants, counts["visit"], counts["measurement"], counts["ae"], files)


def _generate_files(
    rng: random.Random,
    tenant_id: str,
    trial_id: str,
    sites: tuple[tuple[str, str, str], ...],
    participants: int,
    first_week: date,
    today: date,
    per_week: int,
) -> int:
    count = 0
    day = first_week
    while day <= today:
        for slot in range(per_week):
            captured = day + timedelta(days=rng.randint(0, 6))
            if captured > today:
                continue
            count += 1
            pid = f"P{rng.randint(1, max(1, participants)):04d}"
            site_id, site_name, _ = rng.choice(sites)
            file_id = f"F{captured.strftime('%Y%m%d')}{slot:02d}{count:04d}"
            kind = ("txt", "png", "jpg", "txt")[count % 4]
            if kind == "txt":
                text = rng.choice(NOTE_TEMPLATES).format(
                    p=pid,
                    w=(captured - first_week).days // 7 + 1,
                    site=site_name,
                    adh=rng.randint(80, 100),
                    term=rng.choice(AE_TERMS).lower(),
                )
                body, content_type, title = text.encode(), "text/plain; charset=utf-8", f"Visit note {pid}"
            else:
                body, content_type = chart_image(count, kind)
                title = f"Rhythm strip {pid}"
            key = f"trials/{tenant_id}/{trial_id}/{captured.isoformat()}/{file_id}.{kind}"
            store.put_file(
                key,
                body,
                content_type,
                {
                    "trialKey": store.trial_key(tenant_id, trial_id),
                    "fileKey": f"{captured.isoformat()}#{file_id}",
                    "fileId": file_id,
                    "fileType": kind,
                    "title": title,
                    "participantId": pid,
                    "siteId": site_id,
                    "capturedOn": captured.isoformat(),
                    "uploadedAt": clock.iso(clock.now()),
                },
            )
        day += timedelta(days=7)
    return count

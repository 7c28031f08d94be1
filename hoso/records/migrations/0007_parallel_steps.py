"""Steps that run together: a workflow keeps the open steps of its current stage and the keys
of who may act on them. Open workflows get their one pending step as the stage."""

from typing import Any

from django.db import migrations, models


def _fill_open_steps(apps: Any, _schema_editor: Any) -> None:
    Workflow = apps.get_model("records", "Workflow")
    for flow in Workflow.objects.filter(is_open=True).select_related("pending_user"):
        step: dict[str, Any] = {
            "index": flow.step,
            "role": flow.pending_role,
            "action": flow.pending_action,
        }
        keys = [f"R{flow.pending_role}"]
        if flow.pending_user_id is not None:
            person = flow.pending_user
            step["user"] = flow.pending_user_id
            full_name = f"{person.first_name} {person.last_name}".strip()  # get_full_name()
            step["name"] = full_name or person.username
            keys = [f"U{flow.pending_user_id}", "N"]
        flow.open_steps = [step]
        flow.pending_keys = "|" + "|".join(keys) + "|"
        flow.save(update_fields=["open_steps", "pending_keys"])


class Migration(migrations.Migration):
    dependencies = [("records", "0006_chain_settings")]

    operations = [
        migrations.AddField(
            model_name="workflow", name="open_steps", field=models.JSONField(default=list)
        ),
        migrations.AddField(
            model_name="workflow",
            name="pending_keys",
            field=models.CharField(blank=True, default="", max_length=255),
        ),
        migrations.RunPython(_fill_open_steps, migrations.RunPython.noop),
    ]

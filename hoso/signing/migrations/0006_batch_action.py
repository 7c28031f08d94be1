"""A batch is the person's signatures or, for the văn thư, the school's seal."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("signing", "0005_archive_input_hash")]

    operations = [
        migrations.AddField(
            model_name="signbatch",
            name="action",
            field=models.CharField(default="sign", max_length=10),
        ),
    ]

"""Each certificate gets the random token its QR code carries (the public verification page): added empty,
filled for the certificates already issued, then made unique and required."""

import secrets

from django.db import migrations, models

import enforcement.models


def fill_tokens(apps, schema_editor):
    Certificate = apps.get_model("enforcement", "Certificate")
    for certificate in Certificate.objects.filter(verification_token__isnull=True).only("pk").iterator():
        Certificate.objects.filter(pk=certificate.pk).update(verification_token=secrets.token_urlsafe(18))


class Migration(migrations.Migration):
    dependencies = [
        ("enforcement", "0011_submission_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="verification_token",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="verification_token",
            field=models.CharField(
                default=enforcement.models.certificate_verification_token,
                editable=False,
                help_text="The key in the certificate's QR code, which opens its public verification page.",
                max_length=32,
                unique=True,
                verbose_name="verification token",
            ),
        ),
    ]

"""The lookup tables of the NIR and of the account (``identity/lookups.py``), filled from the patients."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('identity', '0008_activation_code_not_unique'),
    ]

    operations = [
        migrations.CreateModel(
            name='AccountLookup',
            fields=[
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to=settings.AUTH_USER_MODEL)),
                ('patient', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='identity.patient')),
            ],
        ),
        migrations.CreateModel(
            name='NirLookup',
            fields=[
                ('nir', models.CharField(max_length=15, primary_key=True, serialize=False)),
                ('patient', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='identity.patient')),
            ],
        ),
        migrations.RunSQL(
            "INSERT INTO identity_nirlookup (nir, patient_id) "
            "SELECT nir, id FROM identity_patient WHERE nir NOT LIKE '~%'",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "INSERT INTO identity_accountlookup (user_id, patient_id) "
            "SELECT user_id, id FROM identity_patient WHERE user_id IS NOT NULL",
            migrations.RunSQL.noop,
        ),
    ]

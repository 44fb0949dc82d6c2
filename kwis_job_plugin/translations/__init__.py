"""Message catalogues of KWIS.job (German source strings, English translations).

Update after changing UI strings (from the repository root)::

    pybabel extract -F kwis_job_plugin/translations/babel.cfg -k lazy_gettext -k _l -k N_ \
        -o kwis_job_plugin/translations/kwis_job.pot kwis_job_plugin templates
    pybabel update -D kwis_job -i kwis_job_plugin/translations/kwis_job.pot \
        -d kwis_job_plugin/translations -l en

``tests/test_i18n.py`` fails while a string lacks an English translation.
"""

"""The language of each comment, from function words and telling letters."""

from nps_helpers.text.language import detect


def test_each_language_is_told_by_its_common_words_and_letters():
    comments = [
        "The invoices were wrong again this month",
        "Unsere Rechnungen sind seit Monaten falsch",
        "Nos factures sont toujours en retard",
        "Las facturas llegan con errores",
        "De facturen zijn altijd te laat",
        "Faktury są ciągle błędne",
        "Le fatture sono sempre sbagliate",
        "As faturas chegam sempre atrasadas",
        "Fakturorna är alltid fel och sena",
    ]
    assert detect(comments).tolist() == ["en", "de", "fr", "es", "nl", "pl", "it", "pt", "sv"]


def test_a_comment_without_clues_is_english_and_languages_narrow_the_choice():
    assert detect(["ok", "", "10/10", "SLA"]).tolist() == ["en"] * 4
    # "a" and "o" alone say nothing; with Portuguese not in the wave it cannot be chosen
    assert detect(["Os prazos de entrega"], languages=["de"]).tolist() == ["en"]
    assert detect(["Os prazos de entrega"]).tolist() == ["pt"]

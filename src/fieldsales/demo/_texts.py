"""Dutch sentences for visit reports, agreements, follow-ups, complaints, quotes and plans.

Templates use ``{product}``, ``{group}``, ``{contact}``, ``{competitor}``, ``{weeks}`` and
``{year}``; callers fill in what the record is about so the texts match the data next to them.
"""

from __future__ import annotations

REPORT_SENTENCES = (
    "Klant is tevreden over de leverbetrouwbaarheid van de afgelopen maanden.",
    "Interesse getoond in {product}; productblad achtergelaten.",
    "Voorraadniveaus doorgenomen, bestelritme blijft ongewijzigd.",
    "Prijsstijging van {group} toegelicht; klant begrijpt het maar blijft kritisch op prijs.",
    "Nieuwe contactpersoon voor inkoop is gestart; kennismaking gehad.",
    "Klant wil minder plastic gebruiken en kijkt naar duurzame alternatieven.",
    "Omzet {group} loopt terug; klant koopt een deel bij {competitor}.",
    "Drukke periode achter de rug, klant verwacht groei in het komende seizoen.",
    "Koffiemachine draait goed; onderhoud volgens afspraak uitgevoerd.",
    "Hygiëneplan doorgenomen: dispensers op de toiletten zijn aan vervanging toe.",
    "Klant vraagt naar mogelijkheden voor vaste leverdagen.",
    "Assortiment {group} doorgenomen; twee artikelen kunnen door goedkopere varianten worden "
    "vervangen.",
    "Gesproken over de openstaande klacht; klant waardeert de snelle opvolging.",
    "Locatie wordt verbouwd, afname tijdelijk lager.",
    "Proefmonster {product} is goed bevallen bij het personeel.",
)

QUICK_REPORTS = (
    "Kort bezoek, geen bijzonderheden.",
    "Bestelling doorgenomen, alles loopt goed.",
    "Korte afstemming met {contact}; verslag volgt.",
)

AGREEMENTS = (
    "Volgende bezoek over {weeks} weken.",
    "Offerte voor {product} volgt deze week.",
    "Klant bestelt voortaan op dinsdag voor levering op donderdag.",
    "Gratis proefdoos {product} mee met de volgende levering.",
    "Prijsafspraak {group} verlengd tot eind {year}.",
    "Klant stuurt de bestellijst voortaan per e-mail aan de binnendienst.",
    "Demonstratie {product} op locatie inplannen.",
    "Verbruik {group} wordt over een maand geëvalueerd.",
)

VISIT_FOLLOW_UPS = (
    "Offerte {product} sturen",
    "Monster {product} laten bezorgen",
    "Levertijd {product} navragen bij de binnendienst",
    "Prijsvoorstel {group} uitwerken",
    "Terugbellen over creditnota",
    "Productinformatie {product} mailen",
    "Kennismaken met nieuwe inkoper",
    "Bestellijst {group} afstemmen met {contact}",
)

CANCEL_REASONS = (
    "Contactpersoon ziek; nieuwe afspraak volgt.",
    "Klant had geen tijd door drukte.",
    "Wegafsluiting, afspraak verzet.",
    "Dubbele afspraak in de agenda van de klant.",
    "Contactpersoon op vakantie.",
)

INTRO_TOPICS = "Kennismaking, presentatie assortiment"
INTRO_REPORTS = (
    "Kennismaking met {contact}. Bedrijf en assortiment gepresenteerd; klant koopt nu bij "
    "{competitor}.",
    "Presentatie van ons assortiment {group}; klant wil een vergelijkende offerte.",
    "Eerste gesprek: klant is ontevreden over de leverbetrouwbaarheid van {competitor}.",
)

CALL_NOTES = {
    "no_answer": ("Geen gehoor.", "Voicemail ingesproken.", "Receptie: contactpersoon in overleg."),
    "not_interested": (
        "Tevreden met huidige leverancier ({competitor}).",
        "Geen budget dit jaar.",
        "Inkoop loopt centraal via het hoofdkantoor.",
    ),
    "call_back": (
        "Vraagt terug te bellen na de vakantie.",
        "Contract met {competitor} loopt binnenkort af; terugbellen.",
        "Wil eerst intern overleggen.",
    ),
    "appointment": (
        "Afspraak gemaakt voor een kennismaking op locatie.",
        "Interesse in {group}; afspraak voor presentatie gemaakt.",
    ),
}

QUOTE_NOTES = (
    "Prijzen inclusief levering op locatie.",
    "Staffelkorting verwerkt bij afname per pallet.",
    "Inclusief installatie en instructie personeel.",
    "Geldig bij afname binnen de looptijd.",
    "",
)
QUOTE_REJECTIONS = (
    "Klant vond de prijs te hoog.",
    "Klant blijft bij de huidige leverancier.",
    "Budget is niet vrijgemaakt.",
    "Klant heeft de investering uitgesteld.",
)

# (category) -> description templates
COMPLAINTS = {
    "delivery": (
        "Levering kwam {days} dagen te laat.",
        "Bestelling onvolledig geleverd: {product} ontbrak.",
        "Chauffeur leverde buiten het afgesproken tijdvenster.",
        "Verkeerde artikelen geleverd in plaats van {product}.",
        "Pallet beschadigd aangekomen.",
    ),
    "quality": (
        "{product}: verpakking beschadigd bij levering.",
        "{product}: kwaliteit wisselt per levering.",
        "{product}: houdbaarheid te kort bij levering.",
        "{product}: werkt niet naar behoren.",
    ),
    "invoice": (
        "Factuur bevat een verkeerde prijs voor {product}.",
        "Dubbel gefactureerd voor dezelfde levering.",
        "Staffelkorting niet verwerkt op de factuur.",
    ),
    "service": (
        "Binnendienst was twee dagen niet bereikbaar.",
        "Terugbelverzoek niet opgevolgd.",
        "Monteur kwam niet op de afspraak.",
    ),
    "price": (
        "Prijsverhoging {group} niet vooraf aangekondigd.",
        "Concurrent biedt {product} goedkoper aan.",
    ),
    "other": (
        "Retourzending is niet opgehaald.",
        "Statiegeld op kratten niet verrekend.",
    ),
}
STRUCTURAL_COMPLAINTS = (
    "Koffiebekers 180 ml lekken bij de naad; klant heeft de rest van de doos apart gezet.",
    "Bekers 180 ml worden slap bij hete dranken en lekken.",
    "Lekkende koffiebekers 180 ml, medewerkers hebben hun handen gebrand.",
)
RESOLUTIONS = (
    "Creditnota verstuurd.",
    "Vervangende levering gedaan.",
    "Excuses aangeboden; afspraken gemaakt met de transporteur.",
    "Prijs gecorrigeerd op de volgende factuur.",
    "Product omgeruild voor een alternatief.",
    "Uitgezocht met de leverancier; nieuwe batch is in orde.",
)
COMPLAINT_FOLLOW_UP = "Klacht opvolgen: {summary}"

LOST_REASONS = (
    "Overgestapt naar {competitor} vanwege prijs.",
    "Bedrijf gesloten.",
    "Inkoop gecentraliseerd bij het hoofdkantoor.",
    "Overgenomen door een keten met eigen leverancier.",
)

PLAN_OPPORTUNITIES = (
    "Uitbreiden naar {group}: vergelijkbare klanten nemen dit wel af.",
    "Introductie van nieuwe producten zoals {product}.",
    "Duurzame disposables als alternatief voor plastic.",
    "Koffieconcept met machine en onderhoudscontract.",
    "Vaste leverdagen en een bestellijst verlagen de kosten voor beide partijen.",
    "Groei door uitbreiding van de locatie.",
)
PLAN_THREATS = (
    "{competitor} benadert de klant actief met lagere prijzen.",
    "Leverproblemen in het afgelopen jaar hebben het vertrouwen geschaad.",
    "Budgetdruk door bezuinigingen.",
    "Personeelstekort leidt tot kortere openingstijden.",
    "Inkoop dreigt centraal te worden belegd.",
)
REJECT_GOAL = (
    "Het omzetdoel is niet onderbouwd: {growth} groei ten opzichte van vorig jaar is niet "
    "realistisch. Graag bijstellen."
)
REJECT_GOAL_AGAIN = "Nog steeds te hoog ingeschat. Stem het doel af op de potentie van de klant."
REJECT_ACTIONS = "Graag concrete acties toevoegen, met data, zodat we de uitvoering kunnen volgen."
APPROVE_COMMENTS = (
    "Akkoord.",
    "Goed plan, succes!",
    "Akkoord; let op de levering van {group}.",
    "",
)
REOPEN_NOTE = "Herzien halverwege het jaar: klant heeft een locatie gesloten."

DEVIATION_NOTES = {
    "lost_customer": "{customer} is overgestapt naar {competitor}.",
    "delivery_problem": (
        "Herhaalde leverproblemen bij {customer}; klant heeft tijdelijk elders besteld."
    ),
    "seasonal": "Koude, natte zomer: veel minder terrasomzet.",
    "price_pressure": "{competitor} stunt met prijzen in {group}; marge en volume onder druk.",
    "competition": "{customer} koopt een deel van het assortiment bij {competitor}.",
    "new_customer": "Nieuwe klant {customer} gewonnen; omzet boven plan.",
}

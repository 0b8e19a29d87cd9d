"""The demo company's catalogue: a horeca and facility wholesaler (horeca- en facilitaire
groothandel) selling cleaning, paper, disposables, kitchen and table ware, workwear, coffee,
drinks, snacks, groceries and coffee machines to restaurants, care homes, schools and offices.

That trade has both Dutch VAT rates for real: food and soft drinks at 9 %, everything else
(alcohol, cleaning, equipment) at 21 %, even within one group (alcohol-free beer is food).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from fieldsales.demo._common import NewId, make, stamp
from fieldsales.domain.enums import VatRate
from fieldsales.records import PriceList, PriceListItem, Product, ProductGroup

# One item: (name with {} for the variant, unit, price in cents, variants). A variant is a label,
# or (label, price in cents) when variants differ in price. No variants: one product.
_Item = tuple[str, str, int, tuple[str | tuple[str, int], ...]]

# fmt: off
GROUPS: tuple[tuple[str, str, VatRate, tuple[_Item, ...]], ...] = (
    ("HYG", "Reiniging en hygiëne", VatRate.HIGH, (
        ("Allesreiniger {} 5 liter", "can", 1450, ("citrus", "lavendel", "ongeparfumeerd")),
        ("Vaatwasmiddel vloeibaar {}", "can", 0, (("10 liter", 3295), ("20 liter", 5995))),
        ("Naglansmiddel 10 liter", "can", 3850, ()),
        ("Handafwasmiddel {}", "fles", 0, (("1 liter", 395), ("5 liter", 1595))),
        ("Ontvetter keuken 5 liter", "can", 2150, ()),
        ("Sanitairreiniger {}", "fles", 0, (("750 ml", 345), ("5 liter", 1895))),
        ("Desinfectiemiddel oppervlakken {}", "fles", 0, (("1 liter spray", 695), ("5 liter", 2895))),
        ("Handzeep navulcassette {} 800 ml", "stuk", 695, ("mild", "antibacterieel", "foam")),
        ("Handalcohol gel 70% {}", "stuk", 0, (("500 ml pompflacon", 795), ("1 liter navulling", 1295))),
        ("Vloerreiniger {} 10 liter", "can", 0, (("neutraal", 2795), ("alkalisch", 3195))),
        ("Glasreiniger {}", "fles", 0, (("750 ml spray", 295), ("5 liter", 1495))),
        ("Schuurcrème 500 ml", "fles", 265, ()),
        ("Urinoirblokjes 1 kg", "doos", 1395, ()),
        ("Afvalzakken {}", "rol", 0, (("60 liter grijs (20 st)", 395), ("120 liter extra sterk (10 st)", 595), ("240 liter (10 st)", 895))),
        ("Microvezeldoeken {} (10 st)", "pak", 1295, ("blauw", "rood", "groen", "geel")),
        ("Schuursponzen groen (10 st)", "pak", 345, ()),
        ("Vlakmop microvezel 40 cm", "stuk", 895, ()),
        ("Wasmiddel poeder 10 kg", "zak", 4295, ()),
        ("Kalkoplosser 1 liter", "fles", 595, ()),
        ("Wasverzachter 5 liter", "can", 1995, ()),
    )),
    ("PAP", "Papier en dispensers", VatRate.HIGH, (
        ("Handdoekpapier Z-vouw {} (3200 vel)", "doos", 0, (("1-laags", 2295), ("2-laags", 3195))),
        ("Poetsrol {}", "doos", 0, (("cellulose 2-laags (6 rollen)", 2895), ("industrieel 3-laags (2 rollen)", 3495))),
        ("Toiletpapier {}", "pak", 0, (("2-laags (48 rollen)", 2195), ("3-laags (40 rollen)", 2795), ("doprol (36 rollen)", 3495))),
        ("Facial tissues 2-laags (40 doosjes)", "doos", 3295, ()),
        ("Handdoekrol {} (6 rollen)", "doos", 0, (("systeem 150 m", 3895), ("centerfeed 300 m", 2995))),
        ("Dispenser {}", "stuk", 0, (("handdoekpapier wit", 2795), ("handdoekpapier zwart", 2995), ("toiletpapier doprol", 2495), ("handzeep 1 liter", 1995), ("handalcohol met sensor", 5995), ("poetsrol centerfeed", 2295))),
        ("Keukenrol 2-laags (32 rollen)", "pak", 2395, ()),
        ("Pedaalemmer RVS 50 liter", "stuk", 8995, ()),
        ("Sanitaire afvalbak 8 liter", "stuk", 2495, ()),
        ("Toiletbrilreiniger 300 ml", "fles", 895, ()),
        ("Luchtverfrisser navulling {}", "stuk", 495, ("citrus", "katoen", "oceaan")),
        ("Luchtverfrisser dispenser automatisch", "stuk", 3495, ()),
    )),
    ("DIS", "Disposables en verpakkingen", VatRate.HIGH, (
        ("Koffiebeker karton {} (1000 st)", "doos", 0, (("180 ml", 3495), ("250 ml", 4295), ("350 ml", 5195))),
        ("Deksel koffiebeker {} (1000 st)", "doos", 0, (("80 mm", 2195), ("90 mm", 2395))),
        ("Servetten {} 33x33 cm 2-laags (1000 st)", "doos", 1695, ("wit", "bordeauxrood", "zwart", "donkerblauw")),
        ("Dinerservetten {} 40x40 cm (600 st)", "doos", 2495, ("wit", "champagne")),
        ("Tafelrol damastlook {} 1,18 x 25 m", "rol", 2895, ("wit", "crème")),
        ("Rietjes papier {} (250 st)", "doos", 495, ("zwart", "wit")),
        ("Houten wegwerpbestek {} (100 st)", "pak", 395, ("vork", "mes", "lepel")),
        ("Maaltijdbox bagasse {} (50 st)", "pak", 0, (("1-vaks", 1295), ("3-vaks", 1495))),
        ("Saladebak kraft {} (300 st)", "doos", 0, (("500 ml", 3195), ("1000 ml", 3895))),
        ("Frietbak karton {} (1000 st)", "doos", 0, (("A8 klein", 2295), ("A12 groot", 2895))),
        ("Hamburgerdoos karton (500 st)", "doos", 3295, ()),
        ("Aluminiumfolie 30 cm x 150 m", "rol", 1695, ()),
        ("Vershoudfolie 45 cm x 300 m", "rol", 1395, ()),
        ("Bakpapier 40 x 60 cm (500 vel)", "doos", 2695, ()),
        ("Draagtas papier {} (250 st)", "doos", 0, (("klein", 2495), ("groot", 3295))),
        ("Vacuümzakken 20 x 30 cm (100 st)", "pak", 895, ()),
        ("Handschoenen nitril maat {} (100 st)", "doos", 695, ("S", "M", "L", "XL")),
        ("Handschoenen vinyl poedervrij maat {} (100 st)", "doos", 495, ("M", "L")),
        ("Soepbeker met deksel 500 ml (500 st)", "doos", 4995, ()),
        ("Pizzadoos {} (100 st)", "doos", 0, (("30 cm", 2195), ("33 cm", 2495))),
    )),
    ("KEU", "Keukenapparatuur en -gerei", VatRate.HIGH, (
        ("Contactgrill enkel geribbeld", "stuk", 32900, ()),
        ("Friteuse elektrisch {}", "stuk", 0, (("1 x 8 liter", 24900), ("2 x 8 liter", 42900))),
        ("Heteluchtoven {}", "stuk", 0, (("4 platen GN 2/3", 89900), ("6 platen GN 1/1", 249900))),
        ("Vaatwasmachine voorlader 50x50", "stuk", 189900, ()),
        ("Koelkast RVS {}", "stuk", 0, (("130 liter onderbouw", 69900), ("600 liter", 129900))),
        ("Vacuümmachine tafelmodel", "stuk", 79900, ()),
        ("Staafmixer professioneel 350 mm", "stuk", 18900, ()),
        ("Snijmachine 250 mm", "stuk", 54900, ()),
        ("Magnetron professioneel 1000 W", "stuk", 29900, ()),
        ("Inductiekookplaat 3500 W", "stuk", 27900, ()),
        ("Bain-marie GN 1/1", "stuk", 21900, ()),
        ("Gastronormbak RVS {}", "stuk", 0, (("GN 1/1 65 mm", 1895), ("GN 1/2 100 mm", 1495), ("GN 1/3 150 mm", 1395))),
        ("Koksmes {}", "stuk", 0, (("20 cm", 3995), ("25 cm", 4995))),
        ("Snijplank HACCP {} 45x30 cm", "stuk", 1495, ("rood", "blauw", "groen", "geel", "wit")),
        ("Kerntemperatuurmeter digitaal", "stuk", 2495, ()),
    )),
    ("TAF", "Servies, glaswerk en bestek", VatRate.HIGH, (
        ("Dinerbord {} (6 st)", "doos", 0, (("plat 27 cm", 3295), ("diep 23 cm", 2995))),
        ("Ontbijtbord 21 cm (6 st)", "doos", 2195, ()),
        ("Koffiekop en schotel 18 cl (6 st)", "doos", 3495, ()),
        ("Cappuccinokop 25 cl (6 st)", "doos", 3695, ()),
        ("Theeglas 25 cl (6 st)", "doos", 1695, ()),
        ("Wijnglas {} (6 st)", "doos", 0, (("rood 47 cl", 2495), ("wit 35 cl", 2295))),
        ("Bierglas {} (12 st)", "doos", 0, (("vaasje 25 cl", 2895), ("fluitje 22 cl", 2695), ("speciaalbier 33 cl", 3995))),
        ("Waterglas {} (12 st)", "doos", 0, (("tumbler 29 cl", 2395), ("longdrink 36 cl", 2695))),
        ("Champagneflûte 17 cl (6 st)", "doos", 2195, ()),
        ("Bestek {} (12 st)", "doos", 0, (("tafelmes", 2495), ("tafelvork", 1995), ("tafellepel", 1995), ("koffielepel", 1295), ("steakmes", 3295))),
        ("Schaal melamine {}", "stuk", 0, (("rond 20 cm", 895), ("rechthoekig GN 1/3", 1295))),
        ("Dienblad antislip {}", "stuk", 0, (("46 x 36 cm", 1895), ("rond 35 cm", 1495))),
        ("Glazenrek vaatwasser 16 vaks", "stuk", 2495, ()),
        ("Suikerpot RVS", "stuk", 895, ()),
        ("Melkkannetje RVS 30 cl", "stuk", 695, ()),
    )),
    ("TEX", "Bedrijfskleding en textiel", VatRate.HIGH, (
        ("Koksbuis {}", "stuk", 3495, ("wit", "zwart")),
        ("Koksbroek pepita", "stuk", 2995, ()),
        ("Sloof {}", "stuk", 0, (("lang zwart", 1695), ("kort zwart", 1295), ("denim", 2195))),
        ("Bistroschort {}", "stuk", 1895, ("zwart", "antraciet")),
        ("Polo bediening {}", "stuk", 1995, ("zwart", "wit")),
        ("Werkschoenen antislip S2", "paar", 6995, ()),
        ("Theedoeken {} (10 st)", "pak", 0, (("katoen geruit", 2495), ("glasdoek linnen", 3295))),
        ("Keukendoeken badstof (10 st)", "pak", 1995, ()),
        ("Tafellaken damast {}", "stuk", 0, (("140 x 140 cm", 2295), ("140 x 240 cm", 3295))),
        ("Tafelmolton op rol 140 cm breed", "m", 895, ()),
        ("Schoonmaakjas {}", "stuk", 2795, ("blauw", "wit")),
        ("Werkbroek schoonmaak", "stuk", 2895, ()),
        ("Haarnetjes (100 st)", "doos", 395, ()),
        ("Wegwerpschorten PE (100 st)", "doos", 695, ()),
        ("Overschoenen wegwerp (100 st)", "doos", 595, ()),
    )),
    ("KOF", "Koffie en thee", VatRate.LOW, (
        ("Koffiebonen {} 1 kg", "zak", 0, (("Espresso Classico", 1895), ("Crema Dolce", 1795), ("Biologisch Fairtrade", 2195), ("Cafeïnevrij", 1995), ("Ristretto Intenso", 2095))),
        ("Filterkoffie {}", "pak", 0, (("snelfilter 500 g", 695), ("grove maling 1 kg", 1195))),
        ("Koffiepads (36 st)", "pak", 395, ()),
        ("Espressocups (100 st)", "doos", 2995, ()),
        ("Oploskoffie 500 g", "blik", 1495, ()),
        ("Cacaopoeder instant 1 kg", "zak", 895, ()),
        ("Thee {} (100 zakjes)", "doos", 0, (("Engelse melange", 495), ("groene thee", 595), ("rooibos", 595), ("munt", 595), ("bosvruchten", 595), ("earl grey", 595))),
        ("Theeassortiment (6 x 20 zakjes)", "doos", 1295, ()),
        ("Koffiemelk cups (240 st)", "doos", 995, ()),
        ("Suikersticks 4 g (1000 st)", "doos", 1495, ()),
        ("Suikerklontjes 1 kg", "pak", 295, ()),
        ("Zoetjes dispenser (1000 st)", "stuk", 795, ()),
        ("Chai latte poeder 1 kg", "zak", 1995, ()),
        ("Melkpoeder automaat 500 g", "zak", 895, ()),
    )),
    ("FRI", "Frisdranken en water", VatRate.LOW, (
        ("Cola {}", "tray", 0, (("regular 24 x 33 cl blik", 1695), ("zero 24 x 33 cl blik", 1695), ("regular 24 x 20 cl glas", 1895))),
        ("Sinas 24 x 33 cl blik", "tray", 1595, ()),
        ("Cassis 24 x 20 cl glas", "krat", 1895, ()),
        ("Lemon-lime 24 x 33 cl blik", "tray", 1595, ()),
        ("Tonic 24 x 20 cl glas", "krat", 1995, ()),
        ("Ginger ale 24 x 20 cl glas", "krat", 1995, ()),
        ("Bronwater {}", "tray", 0, (("plat 24 x 50 cl", 1095), ("bruisend 24 x 50 cl", 1195), ("plat 12 x 1,5 liter", 895))),
        ("Mineraalwater {} 24 x 20 cl glas", "krat", 1495, ("plat", "bruisend")),
        ("Appelsap {}", "krat", 0, (("24 x 20 cl glas", 1895), ("12 x 1 liter pak", 1595))),
        ("Sinaasappelsap 12 x 1 liter", "doos", 1795, ()),
        ("IJsthee {} 24 x 33 cl", "tray", 1695, ("perzik", "green")),
        ("Energiedrank 24 x 25 cl blik", "tray", 2495, ()),
        ("Sportdrank 12 x 50 cl", "tray", 1395, ()),
        ("Chocolademelk 24 x 20 cl", "krat", 1995, ()),
        ("Siroop {} 0,75 liter", "fles", 495, ("aardbei", "citroen", "framboos")),
        ("Limonadesiroop postmix 10 liter bag-in-box", "stuk", 4995, ()),
    )),
    ("ALC", "Bier, wijn en gedistilleerd", VatRate.HIGH, (
        ("Pilsener {}", "stuk", 0, (("krat 24 x 30 cl", 1995), ("fust 20 liter", 6495), ("fust 50 liter", 14995))),
        ("Witbier krat 24 x 30 cl", "krat", 2395, ()),
        ("Speciaalbier {} 24 x 33 cl", "krat", 0, (("tripel", 3495), ("dubbel", 3295), ("IPA", 3695), ("blond", 3195))),
        ("Alcoholvrij bier 24 x 30 cl", "krat", 1995, ()),
        ("Huiswijn {} 3 liter bag-in-box", "stuk", 1895, ("rood", "wit", "rosé")),
        ("Wijn {} 75 cl (6 st)", "doos", 0, (("Chardonnay", 4195), ("Sauvignon blanc", 4495), ("Merlot", 4195), ("Tempranillo", 3995), ("Prosecco", 4995))),
        ("Jenever {} 1 liter", "fles", 0, (("jonge", 1695), ("oude", 1995))),
        ("Vieux 1 liter", "fles", 1595, ()),
        ("Wodka 1 liter", "fles", 1995, ()),
        ("Gin 70 cl", "fles", 2695, ()),
        ("Rum bruin 70 cl", "fles", 2195, ()),
        ("Kruidenbitter 1 liter", "fles", 1795, ()),
        ("Advocaat 70 cl", "fles", 1295, ()),
    )),
    ("ZOE", "Snacks en zoetwaren", VatRate.LOW, (
        ("Koffiekoekjes {}", "doos", 0, (("speculaasjes (200 st)", 1295), ("amandelkrullen (150 st)", 1595), ("roomboterkoekjes (120 st)", 1695))),
        ("Stroopwafels {}", "doos", 0, (("los verpakt (200 st)", 2495), ("mini 1 kg", 1095))),
        ("Chocoladereep {} (24 st)", "doos", 0, (("melk", 1995), ("puur", 1995), ("hazelnoot", 2195))),
        ("Chips {} (20 zakjes 40 g)", "doos", 1095, ("naturel", "paprika", "zout en peper")),
        ("Borrelnootjes 1 kg", "zak", 895, ()),
        ("Pinda's gezouten 1 kg", "zak", 795, ()),
        ("Mueslireep (24 st)", "doos", 1395, ()),
        ("Ontbijtkoek gesneden (20 plakken)", "stuk", 395, ()),
        ("Drop {} 1 kg", "zak", 995, ("zoet", "zout")),
        ("Uitdeelzakjes snoepmix (100 st)", "doos", 1895, ()),
        ("Kaasstengels 1 kg", "doos", 1495, ()),
        ("Pepermuntrollen (48 st)", "doos", 1595, ()),
        ("Chocolaatjes bij de koffie (200 st)", "doos", 1795, ()),
        ("Kerstkransjes 1 kg", "doos", 995, ()),
    )),
    ("DRO", "Droge kruidenierswaren", VatRate.LOW, (
        ("Olijfolie extra vierge 5 liter", "can", 3995, ()),
        ("Frituurvet {}", "stuk", 0, (("vloeibaar 10 liter", 2495), ("vast blok 10 kg", 2795))),
        ("{} 10 liter emmer", "emmer", 0, (("Mayonaise", 2395), ("Fritessaus", 1995), ("Tomatenketchup", 2195))),
        ("Portieverpakking {} (200 st)", "doos", 0, (("mayonaise", 1495), ("ketchup", 1395), ("mosterd", 1295))),
        ("Pasta {} 5 kg", "zak", 1195, ("penne", "spaghetti", "fusilli")),
        ("Rijst {} 5 kg", "zak", 0, (("basmati", 1395), ("pandan", 1295), ("risotto arborio", 1795))),
        ("Tarwebloem 10 kg", "zak", 995, ()),
        ("Kristalsuiker 5 kg", "zak", 595, ()),
        ("Bouillon {} 1 kg", "pot", 0, (("kippen", 1295), ("groente", 1195), ("runder", 1395))),
        ("Tomaten gepeld 6 x 2,5 kg", "doos", 1695, ()),
        ("Zwarte peper gemalen 500 g", "pot", 995, ()),
        ("Jam portieverpakking {} (100 st)", "doos", 1195, ("aardbei", "abrikoos")),
        ("Hagelslag portieverpakking (200 st)", "doos", 1695, ()),
        ("Honing portieverpakking (100 st)", "doos", 1395, ()),
        ("Pindakaas 2,5 kg", "emmer", 1195, ()),
        ("Gemengde noten ongezouten", "kg", 1495, ()),
    )),
    ("MAC", "Koffiemachines en automaten", VatRate.HIGH, (
        ("Koffiemachine {}", "stuk", 0, (("bonen volautomaat kantoor", 189900), ("bonen volautomaat horeca", 349900), ("filterkoffie 2 kannen", 34900), ("capsule professioneel", 44900))),
        ("Heetwaterdispenser 10 liter", "stuk", 24900, ()),
        ("Melkkoeler 4 liter", "stuk", 39900, ()),
        ("Waterkoeler {}", "stuk", 0, (("met aansluiting waterleiding", 69900), ("flessenmodel", 24900))),
        ("Ontkalker koffiemachine 1 liter", "fles", 1295, ()),
        ("Reinigingstabletten koffiemachine (100 st)", "doos", 2495, ()),
        ("Waterfilter koffiemachine", "stuk", 3995, ()),
        ("Melkreiniger 1 liter", "fles", 1495, ()),
        ("Onderhoudscontract koffiemachine (1 jaar)", "stuk", 39500, ()),
        ("Thermoskan 1,9 liter", "stuk", 3495, ()),
    )),
)
# fmt: on

#: Alcohol-free beer is a food for the BTW: 9 % inside a 21 % group.
LOW_RATE_EXCEPTIONS = frozenset({"Alcoholvrij bier 24 x 30 cl"})
#: The product several customers complain about (leaking seams): the structural pattern.
STRUCTURAL_COMPLAINT_PRODUCT = "Koffiebeker karton 180 ml (1000 st)"
#: Only sold in the last quarter.
CHRISTMAS_ONLY = frozenset({"Kerstkransjes 1 kg"})
#: Above this list price a product is equipment: bought once in a while, not every month.
EQUIPMENT_FROM_CENTS = 15_000

#: Group-level seasonality of quantities, January first (drinks peak on summer terraces).
GROUP_SEASON: dict[str, tuple[float, ...]] = {
    "FRI": (0.8, 0.8, 0.9, 1.0, 1.2, 1.35, 1.45, 1.4, 1.1, 0.9, 0.85, 0.95),
    "ALC": (0.8, 0.8, 0.9, 1.0, 1.15, 1.25, 1.3, 1.3, 1.05, 0.9, 0.9, 1.4),
    "DIS": (0.9, 0.9, 0.95, 1.0, 1.1, 1.2, 1.25, 1.2, 1.0, 0.95, 0.9, 1.0),
    "KOF": (1.15, 1.1, 1.05, 1.0, 0.95, 0.9, 0.85, 0.85, 1.0, 1.05, 1.1, 1.2),
    "ZOE": (0.95, 0.9, 0.95, 1.0, 0.95, 0.95, 0.9, 0.9, 1.0, 1.05, 1.15, 1.5),
}


@dataclass(slots=True)
class ProductInfo:
    """A product with what the generator needs to know about it beyond the record."""

    record: Product
    group_code: str
    equipment: bool
    decimal_unit: bool  # sold per kg or metre: quantities with a decimal
    # Plain copies of record fields read in the generator's inner loops (the record's are
    # instrumented attributes, several times slower to read).
    id: str
    name: str
    introduced: date
    list_price: int
    vat_rate: VatRate
    discontinued_on: date | None = None


@dataclass(slots=True)
class Catalogue:
    groups: list[ProductGroup]
    group_by_code: dict[str, ProductGroup]
    products: list[ProductInfo]
    by_group: dict[str, list[ProductInfo]]
    by_id: dict[str, ProductInfo]
    price_lists: list[PriceList]
    price_list_items: list[PriceListItem]
    # price list id -> product id -> [(min_quantity, price_cents)], for the pricing rule
    tiers: dict[str, dict[str, list[PriceListItem]]]
    horeca_list: PriceList
    care_list: PriceList
    volume_list: PriceList
    structural_product: ProductInfo


def build_catalogue(
    rng: random.Random, new_id: NewId, *, today: date, history_start: date
) -> Catalogue:
    """Groups, ~330 products, and three customer price lists with volume tiers.

    Most products were in the range before the history starts; a dozen came in during it, ~18 in
    the last four months (the "new in the catalogue" the visit preparation presents), and a few
    were discontinued last year (they still appear in old orders).
    """
    groups: list[ProductGroup] = []
    group_by_code: dict[str, ProductGroup] = {}
    products: list[ProductInfo] = []
    by_group: dict[str, list[ProductInfo]] = {}
    history_days = (today - history_start).days
    for code, name, rate, items in GROUPS:
        created = stamp(history_start - timedelta(days=2000))
        group = make(
            ProductGroup, id=new_id(), code=code, name=name, created_at=created, updated_at=created
        )
        groups.append(group)
        group_by_code[code] = group
        by_group[code] = []
        seq = 0
        for template, unit, price, variants in items:
            options: list[tuple[str, int]] = []
            if not variants:
                options.append((template, price))
            for variant in variants:
                if isinstance(variant, tuple):
                    options.append((template.format(variant[0]), variant[1]))
                else:
                    options.append((template.format(variant), price))
            for product_name, cents in options:
                seq += 1
                products_in_group = by_group[code]
                roll = rng.random()
                if roll < 0.06:
                    introduced = today - timedelta(days=rng.randint(5, 120))
                elif roll < 0.10:
                    introduced = today - timedelta(days=rng.randint(180, max(181, history_days)))
                else:
                    introduced = history_start - timedelta(days=rng.randint(200, 4000))
                vat = VatRate.LOW if product_name in LOW_RATE_EXCEPTIONS else rate
                equipment = cents >= EQUIPMENT_FROM_CENTS
                created = stamp(introduced)
                record = make(
                    Product,
                    id=new_id(),
                    sku=f"{code}-{seq:04d}",
                    name=product_name,
                    description=_description(product_name, name, unit, vat),
                    product_group_id=group.id,
                    unit=unit,
                    list_price_cents=cents,
                    vat_rate=vat,
                    introduced_on=introduced,
                    active=True,
                    created_at=created,
                    updated_at=created,
                )
                info = ProductInfo(
                    record=record,
                    group_code=code,
                    equipment=equipment,
                    decimal_unit=unit in ("kg", "m"),
                    id=record.id,
                    name=product_name,
                    introduced=introduced,
                    list_price=cents,
                    vat_rate=vat,
                )
                products_in_group.append(info)
                products.append(info)
    # A few old products left the range last year; their old orders stay.
    candidates = [
        p
        for p in products
        if not p.equipment
        and p.record.introduced_on is not None
        and p.record.introduced_on < history_start
        and p.record.name != STRUCTURAL_COMPLAINT_PRODUCT
    ]
    for info in rng.sample(candidates, 5):
        info.discontinued_on = today - timedelta(days=rng.randint(200, 420))
        info.record.active = False
        info.record.updated_at = stamp(info.discontinued_on)
    structural = next(p for p in products if p.record.name == STRUCTURAL_COMPLAINT_PRODUCT)

    lists, items, tiers = _price_lists(rng, new_id, products, today=today)
    return Catalogue(
        groups=groups,
        group_by_code=group_by_code,
        products=products,
        by_group=by_group,
        by_id={p.record.id: p for p in products},
        price_lists=lists,
        price_list_items=items,
        tiers=tiers,
        horeca_list=lists[0],
        care_list=lists[1],
        volume_list=lists[2],
        structural_product=structural,
    )


def _description(name: str, group: str, unit: str, vat: VatRate) -> str:
    rate = "9 %" if vat is VatRate.LOW else "21 %"
    return f"{name}. Productgroep {group.lower()}; verkocht per {unit}; btw {rate}."


def _price_lists(
    rng: random.Random, new_id: NewId, products: list[ProductInfo], *, today: date
) -> tuple[list[PriceList], list[PriceListItem], dict[str, dict[str, list[PriceListItem]]]]:
    contract_start = date(today.year - 1, 1, 1)
    specs = (
        # name, valid_from, valid_until, groups, discount range, share of products, volume tiers
        ("Horeca staffelprijzen", None, None, ("DIS", "FRI", "ALC", "KOF", "DRO", "TAF"),
         (0.04, 0.10), 0.7, True),
        (f"Zorgcontract {contract_start.year}-{contract_start.year + 2}", contract_start,
         date(today.year + 1, 12, 31), ("HYG", "PAP", "DIS", "TEX", "KOF", "DRO"),
         (0.08, 0.15), 0.8, False),
        ("Grootverbruik", None, None, tuple(code for code, *_ in GROUPS), (0.05, 0.12), 0.5, True),
    )  # fmt: skip
    lists: list[PriceList] = []
    items: list[PriceListItem] = []
    tiers: dict[str, dict[str, list[PriceListItem]]] = {}
    for name, valid_from, valid_until, codes, (lo, hi), share, volume in specs:
        created = stamp(valid_from or (today - timedelta(days=3 * 365 + 400)))
        price_list = make(
            PriceList,
            id=new_id(),
            name=name,
            valid_from=valid_from,
            valid_until=valid_until,
            created_at=created,
            updated_at=created,
        )
        lists.append(price_list)
        by_product: dict[str, list[PriceListItem]] = {}
        for info in products:
            if info.group_code not in codes or info.equipment or rng.random() > share:
                continue
            discount = rng.uniform(lo, hi)
            price = _round_price(info.record.list_price_cents * (1 - discount))
            entries = [(Decimal(1), price)]
            if volume and rng.random() < 0.4:
                entries.append((Decimal(10), _round_price(price * 0.95)))
            for min_quantity, cents in entries:
                item = make(
                    PriceListItem,
                    id=new_id(),
                    price_list_id=price_list.id,
                    product_id=info.record.id,
                    price_cents=cents,
                    min_quantity=min_quantity,
                    created_at=created,
                    updated_at=created,
                )
                items.append(item)
                by_product.setdefault(info.record.id, []).append(item)
        tiers[price_list.id] = by_product
    return lists, items, tiers


def _round_price(cents: float) -> int:
    """Wholesale prices end in 5 cents (12,95 rather than 12,93)."""
    return max(5, int(round(cents / 5.0)) * 5)

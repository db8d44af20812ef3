// Street and unit words of many countries, as regex fragments (space
// separated). Sources: USPS Publication 28 street suffixes, and the street
// types in common use in Europe, Latin America, Turkey, Indonesia, Greece,
// Russia and Ukraine. Used by ../addresses.ts.

/** Words before the street name: "Via Roma 12", "ul. Kwiatowa 5", "Calle Mayor 3". */
export const PREFIX_WORDS =
  // French, Spanish, Catalan
  "rue avenue av avda avenida boulevard bd blvd place chemin all[ée]e impasse quai route voie cours square passage porte " +
  "sentier faubourg ruelle esplanade mont[ée]e calle carrer carretera carr camino paseo pasaje plaza prolongaci[óo]n prol " +
  "subida cerrada calzada callej[óo]n privada ronda traves[ií]a glorieta mas[ií]a mercado municipio parcela rampa " +
  "secci[óo]n acceso bajada barrio cuesta explanada lugar manzana muelle partida pol[ií]gono puente quinta rambla riera " +
  "rinc[óo]n salida sector senda urbanizaci[óo]n viaducto " +
  // Portuguese, Italian
  "rua travessa alameda rodovia estrada marginal pra[çc]a cal[çc]ada escadas jardim ladeira beco rotunda azinhaga " +
  "bairro caminho cais largo via viale piazza piazzale corso strada vicolo contrada borgo rotonda galleria lungomare " +
  "traversa " +
  // Polish, Romanian, Turkish, Indonesian
  "ul ulica al aleja os osiedle pl plac bulw bulwar rondo skwer wyb wybrze[żz]e wyspa droga ogr[óo]d rynek szosa " +
  "aleea bulevardul calea intrarea drumul pia[țt]a splaiul [șs]oseaua sokak sk caddesi cad cd jalan jl jln gg gang " +
  "jr kpg ds ki lr " +
  // Russian, Ukrainian, Greek, Arabic
  "ул улица пр просп проспект пер переулок пл площадь ал аллея ш шоссе наб набережная бульвар вулиця вул провулок " +
  "пров площа майдан λεωφ λεωφόρος οδός οδ πλ πλατεία παρ شارع طريق";

/** Street types after the name, in English usage (USPS), only after a house number. */
export const SUFFIX_EN_WORDS =
  "street st avenue ave road rd lane ln drive dr court ct boulevard blvd way place pl terrace close crescent square sq " +
  "junction route loop run field point plaza park parkway pkwy highway hwy trail trl circle cir alley row walk mews " +
  "grove hill garden green heights lodge manor meadow mill mount mountain orchard pass passage path pike pine port " +
  "ridge river spring station summit trace track turnpike union valley view village vista well wharf yard causeway " +
  "common corner cove creek crossing dale estate expressway fall ferry forge fork fort freeway glen harbou?r haven " +
  "hollow island key knoll lake landing light lock mall motorway oval overpass plain prairie ranch rapid rest shoal " +
  "shore skyway stravenue stream throughway tunnel underpass viaduct ville embankment parade broadway cape center " +
  "centre flat radial garth wood lea burg bypass camp canyon cliff club course crest curve divide extension forest " +
  "gateway inlet land loaf mission neck plaza ramp trafficway wall brook glen";

/** Street types after the name in other languages; they may also come before the number. */
export const SUFFIX_XX_WORDS =
  "gate gata gatan v[äa]g v[äa]gen vej vei veien gade katu tie kuja polku kaari utca [úu]t [úu]tja k[öo]r[úu]t k[öo]z " +
  "t[ée]r k[öo]rt[ée]r rakpart s[ée]t[áa]ny fasor hat[áa]r[úu]t sug[áa]r[úu]t f[őo]t[ée]r sor sokak soka[ğg][ıi] caddesi " +
  "bulvar[ıi] yolu площадь улица проспект переулок шоссе вулиця провулок площа майдан ал пл наб пер ш просп ул " +
  "straat laan weg plein gracht kade dijk allee gasse platz stra[ßs]se str";

/** Endings of one-word street names: "Hauptstraße", "Kerkstraat", "Kyrkgatan", "Henrikkuja". */
export const COMPOUND_ENDINGS =
  "stra[ßs]e str\\. weg platz allee gasse ring damm ufer steig pfad chaussee markt graben straat laan plein gracht kade " +
  "dijk singel park hof plantsoen steeg pad dreef wal gatan gata v[äa]gen v[äa]g gr[äa]nd torg all[ée]n stigen backen " +
  "vej gade v[æa]nget alle vei veien veg vegen katu tie kuja polku kaari raitti v[äa]yl[äa] rinne ranta utca ulice cesta";

/** Apartment, unit, floor: "Apt. 565", "Zimmer 659", "m. 505", "kv. 15", "Lgh. 505", "Bloc 14". */
export const UNIT_WORDS =
  "apt apartment suite ste unit flat floor fl room rm no nr zimmer whg wohnung top stiege stg appartamento interno int " +
  "piano scala piso puerta esc escalera bloc bloco bl sc et ap apto lgh hus leil m kv кв bus dpto depto quadra casa lote " +
  "apartamento [ée]tage etg d[ií]rah דירה";

// Capitalised words that are not person names, written by hand: the English
// word list behind COMMON has no proper nouns. Days, months, languages and
// nationalities, countries and big cities, brands and products that support
// chat mentions, and the heads of place names ("San Jose", "Port Louis").
// Lower case, space separated.
const WORDS = `
monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
january february march april june july august september october november december feb mar apr jun jul aug sep sept oct nov dec
montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar märz juni juli oktober dezember
lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril juin juillet août septembre octobre décembre
lunes martes miércoles jueves viernes sábado domingo enero febrero marzo abril mayo junio julio agosto septiembre octubre
noviembre diciembre segunda terça quarta quinta sexta janeiro fevereiro março maio junho julho setembro outubro dezembro
lunedì martedì mercoledì giovedì venerdì sabato domenica gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre
maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart mei augustus
luni marți miercuri joi vineri sâmbătă duminică ianuarie februarie martie aprilie iunie iulie septembrie octombrie noiembrie decembrie
senin selasa rabu kamis jumat sabtu minggu maret agustus desember
måndag tisdag onsdag torsdag fredag lördag söndag mandag tirsdag lørdag søndag
poniedziałek wtorek środa czwartek piątek sobota niedziela styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień
październik listopad grudzień pazartesi salı çarşamba perşembe cuma cumartesi pazar ocak şubat mart nisan mayıs haziran temmuz
ağustos eylül ekim kasım aralık maanantai tiistai keskiviikko torstai perjantai lauantai sunnuntai
pondělí úterý středa čtvrtek pátek neděle hétfő kedd szerda csütörtök péntek szombat vasárnap
christmas easter ramadan eid diwali hanukkah thanksgiving halloween xmas
english french german spanish italian dutch polish portuguese swedish danish norwegian finnish greek turkish russian ukrainian
chinese japanese korean arabic hebrew hindi vietnamese thai indonesian czech hungarian romanian irish scottish welsh british
american canadian australian mexican brazilian argentinian indian european african asian latin catalan basque swiss austrian belgian
england france germany spain italy netherlands holland poland portugal sweden denmark norway finland greece turkey russia ukraine
china japan korea india vietnam thailand indonesia brazil mexico canada australia austria belgium switzerland ireland scotland wales
america usa europe asia africa egypt israel kenya nigeria morocco argentina chile peru colombia texas california florida
london paris berlin madrid rome milan vienna prague warsaw lisbon dublin amsterdam brussels zurich geneva munich hamburg frankfurt
cologne barcelona valencia seville lyon marseille nice toulouse istanbul ankara athens oslo stockholm copenhagen helsinki moscow
kyiv kiev tokyo osaka seoul beijing shanghai delhi mumbai bangalore sydney melbourne brisbane perth adelaide auckland toronto
montreal vancouver chicago boston seattle denver houston dallas austin phoenix atlanta miami orlando detroit york brooklyn manhattan
florence venice naples porto manchester liverpool birmingham leeds glasgow edinburgh bristol cardiff belfast oxford cambridge
samsung galaxy apple iphone ipad macbook imac airpods google pixel android microsoft windows xbox sony playstation nintendo switch
amazon alexa kindle prime netflix spotify youtube facebook instagram whatsapp telegram signal tiktok twitter linkedin zoom slack
paypal stripe visa mastercard amex klarna revolut monzo ups dhl fedex usps tnt dpd gls hermes royal mail uber lyft airbnb booking
ebay etsy shopify ikea lidl aldi tesco walmart costco target starbucks mcdonald nike adidas puma zara gucci prada dior chanel
mazda lamborghini aston martin rivian mahindra bentley jaguar bugatti mitsubishi suzuki vauxhall chrysler jeep cadillac
chevrolet chevy dodge maserati ferrari rolls royce lexus subaru seat cupra opel citroen citroën dacia alfa romeo lancia mini rover
land range buick lincoln gmc ram infiniti acura genesis polestar lotus mclaren
tesla ford toyota honda bmw audi volkswagen mercedes porsche volvo nissan hyundai kia fiat renault peugeot skoda dell lenovo asus
acer intel nvidia huawei xiaomi oppo nokia motorola lg philips bosch siemens dyson vodafone orange verizon comcast
chrome firefox safari edge outlook gmail hotmail yahoo icloud office excel word teams siri cortana
san santa santo sao são saint st ste fort port mount mt lake new north south east west upper lower great little bad ost nord sud
los las el la le les del della di da das dos du van von der den ter
manila lagos cairo dubai doha riyadh tehran karachi lahore dhaka jakarta manchester lima quito bogota caracas havana
`;
/** Titles before a name: context, not part of it. */
export const TITLES: ReadonlySet<string> = new Set(
  (
    "mr mrs ms mx miss dr prof sir madam herr frau mme mlle sr sra srta sñr dña sig dott mevr dhr pan pani bsc msc ing mgr bc " +
    "enf eng dl dna dipl ir drs mw bay bayan fr hr fru fröken κύριος κυρία δόκτορ пан пані господин госпожа г-н г-жа"
  ).split(" "),
);

export const NOT_NAMES: ReadonlySet<string> = new Set([...WORDS.split(/\s+/).filter(Boolean), ...TITLES]);

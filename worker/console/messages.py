"""The console's words in each language; English is the key (as gettext does), so a
template reads as English and a missing translation shows English, never a blank."""

from __future__ import annotations

ITALIAN = {
    # frame
    "Skip to content": "Vai al contenuto",
    "Main": "Principale",
    "Language": "Lingua",
    "Connection and settings": "Connessione e impostazioni",
    "Orders": "Ordini",
    "Check": "Verifica",
    "Sign out": "Esci",
    # sign-in
    "Sign in": "Accedi",
    "Admin token": "Token di amministrazione",
    "The value of ZBSYNC_ADMIN_TOKEN (zbsync demo prints it).": (
        "Il valore di ZBSYNC_ADMIN_TOKEN (zbsync demo lo mostra)."
    ),
    "That is not the admin token.": "Questo non è il token di amministrazione.",
    # connection
    "Zoho connection": "Connessione a Zoho",
    "Status": "Stato",
    "Connected": "Connesso",
    "Not connected": "Non connesso",
    "Data center": "Data center",
    "Organization": "Organizzazione",
    "not chosen": "non scelta",
    "Access token valid until": "Token di accesso valido fino a",
    "Last error": "Ultimo errore",
    "Choose the Zoho organization the invoices go to.": (
        "Scegli l'organizzazione Zoho in cui creare le fatture."
    ),
    "Connect Zoho": "Connetti Zoho",
    "Reconnect Zoho": "Riconnetti Zoho",
    "Choose organization": "Scegli l'organizzazione",
    "Disconnect": "Disconnetti",
    "Disconnected from Zoho.": "Disconnesso da Zoho.",
    "Nothing was connected.": "Non c'era nessuna connessione.",
    "Zoho could not be reached: {error}": "Zoho non è raggiungibile: {error}",
    "Zoho is connected": "Zoho è connesso",
    "Zoho did not connect": "Zoho non si è connesso",
    "Continue to the console": "Continua alla console",
    "The connection link expired or was opened in another browser: connect again.": (
        "Il link di connessione è scaduto o è stato aperto in un altro browser: connetti di nuovo."
    ),
    "Zoho's answer named an accounts server that is not Zoho's: nothing was sent to it. "
    "Connect again.": (
        "La risposta di Zoho indicava un server di account che non è di Zoho: non gli è stato "
        "inviato nulla. Connetti di nuovo."
    ),
    "Zoho says the consent was refused. Connect again and accept.": (
        "Zoho dice che il consenso è stato rifiutato. Connetti di nuovo e accetta."
    ),
    "Connecting failed: connect again.": "La connessione non è riuscita: connetti di nuovo.",
    # organization
    "Zoho organizations this connection can reach": (
        "Organizzazioni Zoho raggiungibili con questa connessione"
    ),
    "default": "predefinita",
    "Zoho shows no organization for this connection.": (
        "Zoho non mostra alcuna organizzazione per questa connessione."
    ),
    "I want to switch organization": "Voglio cambiare organizzazione",
    "Orders not yet invoiced in the new organization stay pending for it; "
    "invoices already made stay where they are.": (
        "Gli ordini non ancora fatturati nella nuova organizzazione restano in attesa per "
        "quella; le fatture già create restano dove sono."
    ),
    "Use this organization": "Usa questa organizzazione",
    "Cancel": "Annulla",
    "Organization saved.": "Organizzazione salvata.",
    "Organization saved. The workers reload with it in a few seconds.": (
        "Organizzazione salvata. I worker si riavviano con essa tra qualche secondo."
    ),
    "Tick the box to confirm switching organization.": (
        "Spunta la casella per confermare il cambio di organizzazione."
    ),
    # settings
    "Settings": "Impostazioni",
    "Saved: the workers reload to apply {names}. Reload this page in a few seconds.": (
        "Salvato: i worker si riavviano per applicare {names}. Ricarica la pagina tra qualche "
        "secondo."
    ),
    "Automatic sync": "Sincronizzazione automatica",
    "On: paid orders become draft invoices by themselves. Off: only Generate does it.": (
        "Attiva: gli ordini pagati diventano fatture in bozza da soli. "
        "Disattiva: solo Genera le crea."
    ),
    "Invoice reference": "Riferimento della fattura",
    "Placeholders: {id} (order id) and {number} (order number).": (
        "Segnaposto: {id} (id dell'ordine) e {number} (numero dell'ordine)."
    ),
    "Discount line label": "Etichetta della riga di sconto",
    "Shipping line label": "Etichetta della riga di spedizione",
    "Tax map": "Mappa delle imposte",
    "One line per VAT rate: rate = Zoho tax id, e.g. 22 = 460000000038029. "
    "Only needed when several Zoho taxes have the same rate.": (
        "Una riga per aliquota IVA: aliquota = id dell'imposta Zoho, ad esempio "
        "22 = 460000000038029. Serve solo quando più imposte Zoho hanno la stessa aliquota."
    ),
    "Save settings": "Salva le impostazioni",
    "Settings saved.": "Impostazioni salvate.",
    "Set in the console": "Impostato nella console",
    "Set by the environment": "Impostato dall'ambiente",
    "Default": "Predefinito",
    # orders
    "Search": "Cerca",
    "Order id, order number or invoice number.": (
        "Id dell'ordine, numero dell'ordine o numero della fattura."
    ),
    "State": "Stato",
    "All states": "Tutti gli stati",
    "Show": "Mostra",
    "All orders": "Tutti gli ordini",
    "Newest received first": "Prima i più recenti",
    "Order": "Ordine",
    "Zoho invoice": "Fattura Zoho",
    "Reason": "Motivo",
    "Reason or last error": "Motivo o ultimo errore",
    "Received": "Ricevuto",
    "No orders here.": "Nessun ordine.",
    "Pages": "Pagine",
    "First page": "Prima pagina",
    "Next page": "Pagina successiva",
    "Pending": "In attesa",
    "Syncing": "In sincronizzazione",
    "Synced": "Sincronizzato",
    "Locked in Zoho": "Bloccato in Zoho",
    "Deleted": "Eliminato",
    "Failed": "Non riuscito",
    "Needs attention": "Da verificare",
    "No such order": "Ordine inesistente",
    # one order
    "Order {number}": "Ordine {number}",
    "none": "nessuna",
    "Status in Zoho": "Stato in Zoho",
    "Total in Zoho": "Totale in Zoho",
    "Next attempt": "Prossimo tentativo",
    "Generate invoice": "Genera la fattura",
    "Update invoice": "Aggiorna la fattura",
    "Delete invoice": "Elimina la fattura",
    "Delete invoice {number}?": "Eliminare la fattura {number}?",
    "The draft invoice is deleted in Zoho Books. It is not made again by itself: "
    "only Generate makes a new one.": (
        "La fattura in bozza viene eliminata in Zoho Books. Non viene ricreata da sola: "
        "solo Genera ne crea una nuova."
    ),
    "Audit trail": "Cronologia",
    "Newest first": "Prima i più recenti",
    "When": "Quando",
    "What": "Cosa",
    "By": "Da",
    "Nothing yet.": "Ancora niente.",
    "Event {type}, revision {revision}: {outcome}": (
        "Evento {type}, revisione {revision}: {outcome}"
    ),
    "stored": "salvato",
    "stale": "superato",
    "Step {step}: {result}": "Passo {step}: {result}",
    "Result: {state}": "Esito: {state}",
    "Generate requested": "Generazione richiesta",
    "Delete requested": "Eliminazione richiesta",
    "Done. Zoho invoice: {number}": "Fatto. Fattura Zoho: {number}",
    "Done. The order is now: {state}.": "Fatto. Ora l'ordine è: {state}.",
    "Not done: {reason}": "Non eseguito: {reason}",
    "Requested: another worker holds this order and carries it out.": (
        "Richiesto: un altro worker ha in carico l'ordine e lo eseguirà."
    ),
    # check
    "Before going live and after any settings change: what would stop a paid order from "
    "becoming an invoice, and how to fix it.": (
        "Prima di andare in produzione e dopo ogni modifica alle impostazioni: cosa impedirebbe "
        "a un ordine pagato di diventare una fattura, e come rimediare."
    ),
    "{count} problems found": "Problemi trovati: {count}",
    "Fix": "Soluzione",
    "No problem found: paid orders can become invoices.": (
        "Nessun problema: gli ordini pagati possono diventare fatture."
    ),
    "Check again": "Verifica di nuovo",
    # what a setting's value can be (worker.domain.console_settings.PROBLEMS, forms.LINE_FORM)
    "not a setting the console can change": "non è un'impostazione che la console può cambiare",
    "one of {choices}": "uno tra {choices}",
    "a Zoho organization id (a string of digits) or null": (
        "un id di organizzazione Zoho (una stringa di cifre) o null"
    ),
    "true or false": "vero o falso",
    "a text of 1 to {most} characters": "un testo da 1 a {most} caratteri",
    "unbalanced braces; placeholders are {id} and {number}": (
        "parentesi graffe non bilanciate; i segnaposto sono {id} e {number}"
    ),
    "only the placeholders {id} and {number} are allowed": (
        "sono ammessi solo i segnaposto {id} e {number}"
    ),
    'an object of VAT rate to Zoho tax id, e.g. {"22": "46000"}': (
        'un oggetto da aliquota IVA a id d\'imposta Zoho, ad es. {"22": "46000"}'
    ),
    "a rate is a non-negative decimal, e.g. 22": (
        "un'aliquota è un decimale non negativo, ad es. 22"
    ),
    "a Zoho tax id, not empty": "un id d'imposta Zoho, non vuoto",
    "line {line}: write it as rate = tax id": "riga {line}: scrivila come aliquota = id d'imposta",
}

CATALOG: dict[str, dict[str, str]] = {"en": {}, "it": ITALIAN}

/**
 * The words of a share link's public page (src/server/routes/share-page.ts), by language, picked
 * from the visitor's Accept-Language. English is the fallback and lists every key.
 */
const en = {
  sharedWithYou: 'Shared with you',
  files: (n: number) => (n === 1 ? '1 file' : `${n} files`),
  folders: (n: number) => (n === 1 ? '1 folder' : `${n} folders`),
  download: 'Download',
  downloadAll: 'Download all (ZIP)',
  downloadNameOf: (name: string) => `Download ${name}`,
  preview: (name: string) => `Preview ${name}`,
  empty: 'This folder is empty.',
  passwordTitle: 'This link is protected',
  passwordHelp: 'Enter the password you were given to see what was shared.',
  password: 'Password',
  unlock: 'Open',
  wrongPassword: 'That password is not right. Try again.',
  tooManyAttempts: 'Too many attempts. Wait a few minutes, then try again.',
  notFoundTitle: 'Link not found',
  notFound:
    'This link does not exist, has expired, or was revoked. Ask the person who shared it for a new one.',
  tooManyRequests: 'Too many requests from your address. Wait a minute, then reload.',
  close: 'Close',
  previous: 'Previous',
  next: 'Next',
  back: 'Back to the gallery',
  olderPage: 'Previous page',
  newerPage: 'Next page',
  previewsOnly: 'The person who shared this allows previews only.',
  home: 'Shared folder',
  breadcrumb: 'Folders',
  openOriginal: 'Open the original',
};

type Strings = typeof en;

const de: Strings = {
  sharedWithYou: 'Mit Ihnen geteilt',
  files: (n) => (n === 1 ? '1 Datei' : `${n} Dateien`),
  folders: (n) => (n === 1 ? '1 Ordner' : `${n} Ordner`),
  download: 'Herunterladen',
  downloadAll: 'Alle herunterladen (ZIP)',
  downloadNameOf: (name) => `${name} herunterladen`,
  preview: (name) => `Vorschau von ${name}`,
  empty: 'Dieser Ordner ist leer.',
  passwordTitle: 'Dieser Link ist geschützt',
  passwordHelp: 'Geben Sie das Passwort ein, das Sie erhalten haben, um die geteilten Inhalte zu sehen.',
  password: 'Passwort',
  unlock: 'Öffnen',
  wrongPassword: 'Das Passwort ist nicht richtig. Bitte versuchen Sie es erneut.',
  tooManyAttempts: 'Zu viele Versuche. Warten Sie einige Minuten und versuchen Sie es dann erneut.',
  notFoundTitle: 'Link nicht gefunden',
  notFound:
    'Dieser Link existiert nicht, ist abgelaufen oder wurde widerrufen. Bitten Sie die Person, die ihn geteilt hat, um einen neuen.',
  tooManyRequests: 'Zu viele Anfragen von Ihrer Adresse. Warten Sie eine Minute und laden Sie die Seite neu.',
  close: 'Schließen',
  previous: 'Zurück',
  next: 'Weiter',
  back: 'Zurück zur Galerie',
  olderPage: 'Vorherige Seite',
  newerPage: 'Nächste Seite',
  previewsOnly: 'Die Person, die dies geteilt hat, erlaubt nur Vorschauen.',
  home: 'Geteilter Ordner',
  breadcrumb: 'Ordner',
  openOriginal: 'Original öffnen',
};

const fr: Strings = {
  sharedWithYou: 'Partagé avec vous',
  files: (n) => (n === 1 ? '1 fichier' : `${n} fichiers`),
  folders: (n) => (n === 1 ? '1 dossier' : `${n} dossiers`),
  download: 'Télécharger',
  downloadAll: 'Tout télécharger (ZIP)',
  downloadNameOf: (name) => `Télécharger ${name}`,
  preview: (name) => `Aperçu de ${name}`,
  empty: 'Ce dossier est vide.',
  passwordTitle: 'Ce lien est protégé',
  passwordHelp: 'Saisissez le mot de passe qui vous a été donné pour voir le contenu partagé.',
  password: 'Mot de passe',
  unlock: 'Ouvrir',
  wrongPassword: 'Ce mot de passe est incorrect. Réessayez.',
  tooManyAttempts: 'Trop de tentatives. Patientez quelques minutes, puis réessayez.',
  notFoundTitle: 'Lien introuvable',
  notFound:
    "Ce lien n'existe pas, a expiré ou a été révoqué. Demandez-en un nouveau à la personne qui l'a partagé.",
  tooManyRequests: 'Trop de requêtes depuis votre adresse. Patientez une minute, puis rechargez.',
  close: 'Fermer',
  previous: 'Précédent',
  next: 'Suivant',
  back: 'Retour à la galerie',
  olderPage: 'Page précédente',
  newerPage: 'Page suivante',
  previewsOnly: "La personne qui a partagé ceci n'autorise que les aperçus.",
  home: 'Dossier partagé',
  breadcrumb: 'Dossiers',
  openOriginal: "Ouvrir l'original",
};

const es: Strings = {
  sharedWithYou: 'Compartido contigo',
  files: (n) => (n === 1 ? '1 archivo' : `${n} archivos`),
  folders: (n) => (n === 1 ? '1 carpeta' : `${n} carpetas`),
  download: 'Descargar',
  downloadAll: 'Descargar todo (ZIP)',
  downloadNameOf: (name) => `Descargar ${name}`,
  preview: (name) => `Vista previa de ${name}`,
  empty: 'Esta carpeta está vacía.',
  passwordTitle: 'Este enlace está protegido',
  passwordHelp: 'Introduce la contraseña que te dieron para ver lo compartido.',
  password: 'Contraseña',
  unlock: 'Abrir',
  wrongPassword: 'La contraseña no es correcta. Inténtalo de nuevo.',
  tooManyAttempts: 'Demasiados intentos. Espera unos minutos y vuelve a intentarlo.',
  notFoundTitle: 'Enlace no encontrado',
  notFound: 'Este enlace no existe, ha caducado o fue revocado. Pide uno nuevo a quien lo compartió.',
  tooManyRequests: 'Demasiadas solicitudes desde tu dirección. Espera un minuto y recarga.',
  close: 'Cerrar',
  previous: 'Anterior',
  next: 'Siguiente',
  back: 'Volver a la galería',
  olderPage: 'Página anterior',
  newerPage: 'Página siguiente',
  previewsOnly: 'Quien compartió esto solo permite vistas previas.',
  home: 'Carpeta compartida',
  breadcrumb: 'Carpetas',
  openOriginal: 'Abrir el original',
};

const catalogs: Record<string, Strings> = { en, de, fr, es };

export type ShareStrings = Strings & { lang: string };

/** The visitor's best language among ours, by Accept-Language's order and q-values; English otherwise. */
export function shareStringsFor(acceptLanguage: string | undefined): ShareStrings {
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return { lang: tag.toLowerCase().split('-')[0]!, q: q === undefined ? 1 : Number(q), index };
    })
    .filter((w) => w.lang !== '' && w.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const lang = wanted.find((w) => w.lang in catalogs)?.lang ?? 'en';
  return { ...catalogs[lang]!, lang };
}

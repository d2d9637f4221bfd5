/**
 * The interface in French or English, following the tenant's default language.
 *
 * A small typed dictionary: every key exists in English, and the French table must
 * have the same keys (the type says so). Dates and numbers go through Intl with the
 * locale, so "3 mars 2026" and "March 3, 2026" come from the same code.
 */
import { createContext, useContext, useMemo, type ReactNode } from "react";

const en = {
  "skip.content": "Skip to content",
  "nav.home": "Home",
  "nav.tags": "Tags",
  "nav.main": "Main",
  "nav.blogs": "Blogs",
  "search.label": "Search the site",
  "search.button": "Search",
  "search.title": "Search",
  "search.resultsFor": "Results for “{q}”",
  "search.none": "No post matches “{q}”.",
  "search.prompt": "Type words to look for in every post.",
  "home.title": "Latest posts",
  "home.tabs": "Sort posts",
  "home.title.recent": "Latest posts",
  "home.title.top_rated": "Top rated posts",
  "home.title.most_discussed": "Most discussed posts",
  "home.featured": "Featured",
  "comments.report": "Report",
  "comments.reportTitle": "Report this comment",
  "comments.reportReason": "Reason",
  "comments.reason.spam": "Spam or advertising",
  "comments.reason.abuse": "Abusive or hateful",
  "comments.reason.off_topic": "Off topic",
  "comments.reason.other": "Something else",
  "comments.reportNote": "Note for the moderators (optional)",
  "comments.reportSend": "Send the report",
  "comments.reported": "Thank you: the moderators will look at this comment.",
  "comments.reportedAlready": "You have already reported this comment.",
  "comments.edit": "Edit",
  "comments.editTitle": "Edit your comment",
  "comments.save": "Save",
  "comments.saved": "Your comment is updated.",
  "comments.edited": "edited",
  "comments.editTooLate": "Comments can only be edited in the first 15 minutes.",
  "comments.delete": "Delete",
  "comments.deleteConfirm": "Delete this comment for good?",
  "comments.deleteYes": "Yes, delete it",
  "comments.yours": "Your comment",
  "comments.staffBadge": "staff",
  "ambassador.badge": "ambassador",
  "ambassador.badgeLabel": "An ambassador of the brand",
  "comments.staffBadgeLabel": "Written by the site's team",
  "comments.pinnedBadge": "Pinned",
  "comments.pinnedBadgeLabel": "Pinned first by the site's moderators",
  "comments.actionsFor": "Actions on the comment of {name}",
  "rating.send": "Send my vote",
  "rating.chosen": "Chosen: {stars}. Press Enter to send.",
  "rating.sent": "Thank you: your vote ({stars}) is recorded.",
  "rating.withdrawn": "Your vote is withdrawn.",
  "author.avatar": "Avatar of {name}",
  "sort.recent": "Recent",
  "sort.top_rated": "Top rated",
  "sort.most_discussed": "Most discussed",
  "posts.none": "No posts yet.",
  "posts.more": "More",
  "posts.loadingMore": "Loading…",
  "post.byLabel": "By",
  "post.inLabel": "in",
  "post.readingTime": "{minutes} min read",
  "post.comments#one": "{count} comment",
  "post.comments#other": "{count} comments",
  "fediverse.reactions": "On the fediverse: {likes} · {boosts}",
  "fediverse.likes#one": "{count} like",
  "fediverse.likes#other": "{count} likes",
  "fediverse.boosts#one": "{count} boost",
  "fediverse.boosts#other": "{count} boosts",
  "post.tags": "Tags",
  "post.gone": "This post is no longer available: it was unpublished or removed.",
  "post.cover": "Cover image of “{title}”",
  "blog.posts#one": "{count} post",
  "blog.posts#other": "{count} posts",
  "blog.feed": "Atom feed of this blog",
  "author.posts#one": "{count} public post",
  "author.posts#other": "{count} public posts",
  "author.blogs": "Writes in",
  "tags.title": "Tags",
  "tags.count#one": "{count} post",
  "tags.count#other": "{count} posts",
  "tag.title": "Posts tagged “{tag}”",
  "rating.legend": "Rate this post",
  "rating.star#one": "{count} star",
  "rating.star#other": "{count} stars",
  "rating.summary#one": "{average} out of 5 ({count} vote)",
  "rating.summary#other": "{average} out of 5 ({count} votes)",
  "rating.none": "No votes yet",
  "rating.histogram": "Votes per number of stars",
  "rating.yours": "Your vote: {n}",
  "rating.withdraw": "Withdraw my vote",
  "rating.thanks": "Thank you for your vote.",
  "rating.signIn": "Sign in to rate this post.",
  "comments.title": "Comments",
  "comments.none": "No comments yet. Be the first!",
  "comments.reply": "Reply",
  "comments.replyTo": "Reply to {name}",
  "comments.cancel": "Cancel",
  "comments.body": "Your comment",
  "comments.write": "Leave a comment",
  "comments.name": "Your name",
  "comments.email": "E-mail (optional, never shown)",
  "comments.url": "Website (optional)",
  "comments.send": "Publish",
  "comments.sending": "Sending…",
  "comments.published": "Your comment is published.",
  "comments.held": "Thank you! Your comment is held for moderation and will appear once a moderator approves it.",
  "comments.heldBadge": "Awaiting moderation",
  "comments.deleted": "This comment was deleted.",
  "comments.removed": "This comment was removed by moderation.",
  "comments.closed": "Comments are closed.",
  "comments.signIn": "Sign in to comment.",
  "comments.more": "More comments",
  "comments.as": "Commenting as {name}",
  "error.rateLimited": "Too many attempts. Please wait {wait} before trying again.",
  "error.rateLimitedSoon": "Too many attempts. Please wait a moment before trying again.",
  "error.generic": "Something went wrong: {detail}",
  "error.network": "The site cannot be reached. Check your connection and try again.",
  "error.retry": "Try again",
  "notFound.title": "Page not found",
  "notFound.text": "There is nothing at this address.",
  "notFound.site": "No site here",
  "notFound.siteText": "No blog answers at this address. Check the link, or open a site with ?site=name.",
  "notFound.back": "Back to the home page",
  "loading": "Loading…",
  "auth.signIn": "Sign in",
  "auth.signUp": "Create an account",
  "auth.signOut": "Sign out",
  "auth.email": "E-mail",
  "auth.password": "Password",
  "auth.displayName": "Name shown with your comments",
  "auth.signedInAs": "Signed in as {name}",
  "auth.failed": "Sign-in failed: check your e-mail and password.",
  "auth.noAccount": "No account yet?",
  "auth.haveAccount": "Already have an account?",
  "auth.passwordHint": "At least 10 characters.",
  "auth.forgot": "Forgot your password?",
  "auth.forgotTitle": "Reset your password",
  "auth.forgotIntro": "Enter the e-mail of your account: we will send you a link to choose a new password.",
  "auth.forgotSend": "Send the link",
  "auth.forgotSent": "If an account of this site uses this address, a link is on its way. It works once, for 30 minutes.",
  "auth.resetTitle": "Choose a new password",
  "auth.newPassword": "New password",
  "auth.resetSubmit": "Set the password",
  "auth.resetDone": "Your password was changed, and you were signed out everywhere. Sign in with the new one.",
  "auth.resetInvalid": "This link is not valid any more: ask for a new one.",
  "auth.verifyTitle": "Confirm your e-mail address",
  "auth.verifyBusy": "Confirming your address…",
  "auth.verifyDone": "Thank you: your address is confirmed.",
  "auth.verifyInvalid": "This confirmation link is not valid any more.",
  "email.link": "E-mail address",
  "email.title": "Change your e-mail address",
  "email.intro": "A link to confirm goes to the new address, and a notice to the current one. Nothing changes until the link is followed; then you are signed out everywhere and sign in with the new address.",
  "email.new": "New e-mail address",
  "email.current": "Current password",
  "email.send": "Send the confirmation link",
  "email.sent": "Done: open the link we sent to the new address within 24 hours. If that address already has an account, it is told so instead.",
  "email.signIn": "Sign in to change your e-mail address.",
  "email.confirmTitle": "Confirm your new e-mail address",
  "email.confirmIntro": "Confirm to move your account to this address. You will be signed out everywhere, and sign in with the new address.",
  "email.confirm": "Confirm the new address",
  "email.confirmed": "Your account now uses its new address. Sign in with it.",
  "email.invalid": "This link is not valid any more: ask for the change again.",
  "email.taken": "This address now belongs to another account: nothing was changed.",
  "prefs.title": "Mail notifications",
  "prefs.reply": "Mail me when someone answers one of my comments",
  "prefs.saved": "Saved.",
  "prefs.signIn": "Sign in to choose your notifications.",
  "unsubscribe.title": "Stop these mails",
  "unsubscribe.intro": "You will no longer get a mail when someone answers your comments on this site.",
  "unsubscribe.confirm": "Stop the mails",
  "unsubscribe.done": "Done: no more mails about replies to your comments.",
  "unsubscribe.invalid": "This unsubscribe link is not valid.",
  "footer.powered": "Powered by Causerie",
  "footer.feeds": "Feeds",
  "feed.atom": "Atom feed",
  "feed.json": "JSON feed",
  "wait.seconds#one": "{count} second",
  "wait.seconds#other": "{count} seconds",
  "wait.minutes#one": "{count} minute",
  "wait.minutes#other": "{count} minutes",
  "myData.link": "My data",
  "myData.title": "My data on this site",
  "myData.help": "Download everything this site holds about you (your profile, comments, votes and reports) as a JSON file.",
  "myData.signIn": "Sign in to see or delete your data.",
  "myData.download": "Download my data",
  "myData.deleteTitle": "Delete my account on this site",
  "myData.deleteHelp": "Your votes are withdrawn and you leave this site. Your comments stay in their conversations, shown as “[deleted]” without your name, e-mail or link. Your account on other sites is not touched.",
  "myData.sure": "I understand this cannot be undone",
  "myData.delete": "Delete my account here",
  "myData.erased": "Your account on this site is deleted.",
} as const;

export type MessageKey = keyof typeof en;
/** A message with plural forms: "x#one" and "x#other" both exist (and French has them too). */
export type PluralKey = {
  [K in MessageKey]: K extends `${infer Base}#one` ? (`${Base}#other` extends MessageKey ? Base : never) : never;
}[MessageKey];
type Dictionary = Record<MessageKey, string>;

const fr: Dictionary = {
  "skip.content": "Aller au contenu",
  "nav.home": "Accueil",
  "nav.tags": "Mots-clés",
  "nav.main": "Principale",
  "nav.blogs": "Blogs",
  "search.label": "Rechercher sur le site",
  "search.button": "Rechercher",
  "search.title": "Recherche",
  "search.resultsFor": "Résultats pour « {q} »",
  "search.none": "Aucun billet ne correspond à « {q} ».",
  "search.prompt": "Tapez des mots à chercher dans tous les billets.",
  "home.title": "Derniers billets",
  "home.tabs": "Trier les billets",
  "home.title.recent": "Derniers billets",
  "home.title.top_rated": "Billets les mieux notés",
  "home.title.most_discussed": "Billets les plus commentés",
  "home.featured": "À la une",
  "comments.report": "Signaler",
  "comments.reportTitle": "Signaler ce commentaire",
  "comments.reportReason": "Motif",
  "comments.reason.spam": "Spam ou publicité",
  "comments.reason.abuse": "Injurieux ou haineux",
  "comments.reason.off_topic": "Hors sujet",
  "comments.reason.other": "Autre chose",
  "comments.reportNote": "Précision pour les modérateurs (facultatif)",
  "comments.reportSend": "Envoyer le signalement",
  "comments.reported": "Merci : les modérateurs vont examiner ce commentaire.",
  "comments.reportedAlready": "Vous avez déjà signalé ce commentaire.",
  "comments.edit": "Modifier",
  "comments.editTitle": "Modifier votre commentaire",
  "comments.save": "Enregistrer",
  "comments.saved": "Votre commentaire est modifié.",
  "comments.edited": "modifié",
  "comments.editTooLate": "Un commentaire ne peut être modifié que dans les 15 minutes qui suivent.",
  "comments.delete": "Supprimer",
  "comments.deleteConfirm": "Supprimer définitivement ce commentaire ?",
  "comments.deleteYes": "Oui, le supprimer",
  "comments.yours": "Votre commentaire",
  "comments.staffBadge": "équipe",
  "ambassador.badge": "ambassadeur",
  "ambassador.badgeLabel": "Ambassadeur de la marque",
  "comments.staffBadgeLabel": "Écrit par l’équipe du site",
  "comments.pinnedBadge": "Épinglé",
  "comments.pinnedBadgeLabel": "Mis en tête par les modérateurs du site",
  "comments.actionsFor": "Actions sur le commentaire de {name}",
  "rating.send": "Envoyer mon vote",
  "rating.chosen": "Choix : {stars}. Appuyez sur Entrée pour envoyer.",
  "rating.sent": "Merci : votre vote ({stars}) est enregistré.",
  "rating.withdrawn": "Votre vote est retiré.",
  "author.avatar": "Avatar de {name}",
  "sort.recent": "Récents",
  "sort.top_rated": "Les mieux notés",
  "sort.most_discussed": "Les plus commentés",
  "posts.none": "Aucun billet pour l’instant.",
  "posts.more": "Plus",
  "posts.loadingMore": "Chargement…",
  "post.byLabel": "Par",
  "post.inLabel": "dans",
  "post.readingTime": "{minutes} min de lecture",
  "post.comments#one": "{count} commentaire",
  "post.comments#other": "{count} commentaires",
  "fediverse.reactions": "Sur le fédivers : {likes} · {boosts}",
  "fediverse.likes#one": "{count} j’aime",
  "fediverse.likes#other": "{count} j’aime",
  "fediverse.boosts#one": "{count} partage",
  "fediverse.boosts#other": "{count} partages",
  "post.tags": "Mots-clés",
  "post.gone": "Ce billet n’est plus disponible : il a été dépublié ou supprimé.",
  "post.cover": "Image de couverture de « {title} »",
  "blog.posts#one": "{count} billet",
  "blog.posts#other": "{count} billets",
  "blog.feed": "Flux Atom de ce blog",
  "author.posts#one": "{count} billet public",
  "author.posts#other": "{count} billets publics",
  "author.blogs": "Écrit dans",
  "tags.title": "Mots-clés",
  "tags.count#one": "{count} billet",
  "tags.count#other": "{count} billets",
  "tag.title": "Billets avec le mot-clé « {tag} »",
  "rating.legend": "Notez ce billet",
  "rating.star#one": "{count} étoile",
  "rating.star#other": "{count} étoiles",
  "rating.summary#one": "{average} sur 5 ({count} vote)",
  "rating.summary#other": "{average} sur 5 ({count} votes)",
  "rating.none": "Pas encore de vote",
  "rating.histogram": "Votes par nombre d’étoiles",
  "rating.yours": "Votre vote : {n}",
  "rating.withdraw": "Retirer mon vote",
  "rating.thanks": "Merci pour votre vote.",
  "rating.signIn": "Connectez-vous pour noter ce billet.",
  "comments.title": "Commentaires",
  "comments.none": "Pas encore de commentaire. Soyez le premier !",
  "comments.reply": "Répondre",
  "comments.replyTo": "Répondre à {name}",
  "comments.cancel": "Annuler",
  "comments.body": "Votre commentaire",
  "comments.write": "Laisser un commentaire",
  "comments.name": "Votre nom",
  "comments.email": "E-mail (facultatif, jamais affiché)",
  "comments.url": "Site web (facultatif)",
  "comments.send": "Publier",
  "comments.sending": "Envoi…",
  "comments.published": "Votre commentaire est publié.",
  "comments.held": "Merci ! Votre commentaire est en attente de modération et apparaîtra dès qu’un modérateur l’aura approuvé.",
  "comments.heldBadge": "En attente de modération",
  "comments.deleted": "Ce commentaire a été supprimé.",
  "comments.removed": "Ce commentaire a été retiré par la modération.",
  "comments.closed": "Les commentaires sont fermés.",
  "comments.signIn": "Connectez-vous pour commenter.",
  "comments.more": "Plus de commentaires",
  "comments.as": "Vous commentez en tant que {name}",
  "error.rateLimited": "Trop de tentatives. Merci d’attendre {wait} avant de réessayer.",
  "error.rateLimitedSoon": "Trop de tentatives. Merci d’attendre un instant avant de réessayer.",
  "error.generic": "Une erreur est survenue : {detail}",
  "error.network": "Le site est injoignable. Vérifiez votre connexion et réessayez.",
  "error.retry": "Réessayer",
  "notFound.title": "Page introuvable",
  "notFound.text": "Il n’y a rien à cette adresse.",
  "notFound.site": "Aucun site ici",
  "notFound.siteText": "Aucun blog ne répond à cette adresse. Vérifiez le lien, ou ouvrez un site avec ?site=nom.",
  "notFound.back": "Retour à l’accueil",
  "loading": "Chargement…",
  "auth.signIn": "Se connecter",
  "auth.signUp": "Créer un compte",
  "auth.signOut": "Se déconnecter",
  "auth.email": "E-mail",
  "auth.password": "Mot de passe",
  "auth.displayName": "Nom affiché avec vos commentaires",
  "auth.signedInAs": "Connecté en tant que {name}",
  "auth.failed": "Échec de la connexion : vérifiez votre e-mail et votre mot de passe.",
  "auth.noAccount": "Pas encore de compte ?",
  "auth.haveAccount": "Déjà un compte ?",
  "auth.passwordHint": "Au moins 10 caractères.",
  "auth.forgot": "Mot de passe oublié ?",
  "auth.forgotTitle": "Réinitialiser votre mot de passe",
  "auth.forgotIntro": "Indiquez l'e-mail de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe.",
  "auth.forgotSend": "Envoyer le lien",
  "auth.forgotSent": "Si un compte de ce site utilise cette adresse, un lien est en route. Il ne sert qu'une fois, pendant 30 minutes.",
  "auth.resetTitle": "Choisir un nouveau mot de passe",
  "auth.newPassword": "Nouveau mot de passe",
  "auth.resetSubmit": "Enregistrer le mot de passe",
  "auth.resetDone": "Votre mot de passe a changé et toutes vos sessions ont été fermées. Connectez-vous avec le nouveau.",
  "auth.resetInvalid": "Ce lien n'est plus valable : demandez-en un nouveau.",
  "auth.verifyTitle": "Confirmer votre adresse e-mail",
  "auth.verifyBusy": "Confirmation de votre adresse…",
  "auth.verifyDone": "Merci : votre adresse est confirmée.",
  "auth.verifyInvalid": "Ce lien de confirmation n'est plus valable.",
  "email.link": "Adresse e-mail",
  "email.title": "Changer votre adresse e-mail",
  "email.intro": "Un lien de confirmation part vers la nouvelle adresse, et un avis vers l'actuelle. Rien ne change tant que le lien n'est pas suivi ; vous êtes alors déconnecté partout et vous vous connectez avec la nouvelle adresse.",
  "email.new": "Nouvelle adresse e-mail",
  "email.current": "Mot de passe actuel",
  "email.send": "Envoyer le lien de confirmation",
  "email.sent": "C'est fait : ouvrez le lien envoyé à la nouvelle adresse dans les 24 heures. Si cette adresse a déjà un compte, c'est cela qui lui est écrit.",
  "email.signIn": "Connectez-vous pour changer votre adresse e-mail.",
  "email.confirmTitle": "Confirmer votre nouvelle adresse e-mail",
  "email.confirmIntro": "Confirmez pour déplacer votre compte vers cette adresse. Vous serez déconnecté partout, puis vous vous connecterez avec la nouvelle adresse.",
  "email.confirm": "Confirmer la nouvelle adresse",
  "email.confirmed": "Votre compte utilise désormais sa nouvelle adresse. Connectez-vous avec elle.",
  "email.invalid": "Ce lien n'est plus valable : demandez à nouveau le changement.",
  "email.taken": "Cette adresse appartient désormais à un autre compte : rien n'a été changé.",
  "prefs.title": "Notifications par courriel",
  "prefs.reply": "M'écrire quand quelqu'un répond à l'un de mes commentaires",
  "prefs.saved": "Enregistré.",
  "prefs.signIn": "Connectez-vous pour choisir vos notifications.",
  "unsubscribe.title": "Ne plus recevoir ces courriels",
  "unsubscribe.intro": "Vous ne recevrez plus de courriel quand quelqu'un répond à vos commentaires sur ce site.",
  "unsubscribe.confirm": "Arrêter les courriels",
  "unsubscribe.done": "C'est fait : plus de courriel pour les réponses à vos commentaires.",
  "unsubscribe.invalid": "Ce lien de désinscription n'est pas valable.",
  "footer.powered": "Propulsé par Causerie",
  "footer.feeds": "Flux",
  "feed.atom": "Flux Atom",
  "feed.json": "Flux JSON",
  "wait.seconds#one": "{count} seconde",
  "wait.seconds#other": "{count} secondes",
  "wait.minutes#one": "{count} minute",
  "wait.minutes#other": "{count} minutes",
  "myData.link": "Mes données",
  "myData.title": "Mes données sur ce site",
  "myData.help": "Téléchargez tout ce que ce site détient sur vous (profil, commentaires, votes et signalements) dans un fichier JSON.",
  "myData.signIn": "Connectez-vous pour voir ou effacer vos données.",
  "myData.download": "Télécharger mes données",
  "myData.deleteTitle": "Supprimer mon compte sur ce site",
  "myData.deleteHelp": "Vos votes sont retirés et vous quittez ce site. Vos commentaires restent dans leurs conversations, affichés « [deleted] » sans votre nom, votre adresse ni votre lien. Votre compte sur d’autres sites n’est pas touché.",
  "myData.sure": "Je comprends que c’est définitif",
  "myData.delete": "Supprimer mon compte ici",
  "myData.erased": "Votre compte sur ce site est supprimé.",
};

const DICTIONARIES: Record<string, Dictionary> = { en, fr };

export type Params = Record<string, string | number>;

/** The interface language for a tenant's language: French or English. */
export function interfaceLanguage(language: string | null | undefined): "fr" | "en" {
  return (language ?? "").toLowerCase().startsWith("fr") ? "fr" : "en";
}

export function translate(language: string, key: MessageKey, params: Params = {}): string {
  const dictionary = DICTIONARIES[interfaceLanguage(language)] ?? en;
  return dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export interface Formatter {
  /** The tenant's language: "fr", "en", or another BCP 47 tag for Intl. */
  locale: string;
  language: "fr" | "en";
  t: (key: MessageKey, params?: Params) => string;
  date: (iso: string) => string;
  dateTime: (iso: string) => string;
  number: (value: number, digits?: number) => string;
  /**
   * A message in the plural form the language wants for `value` (Intl.PluralRules:
   * French says "0 commentaire", English "0 comments"), `{count}` formatted for the locale.
   */
  plural: (key: PluralKey, value: number, params?: Params) => string;
  /** How long to wait, in words: "45 seconds", "2 minutes". */
  wait: (seconds: number) => string;
}

function supportedLocale(locale: string, fallback: string): string {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale]).length ? locale : fallback;
  } catch {
    return fallback; // not a well-formed language tag
  }
}

export function formatter(locale: string): Formatter {
  const language = interfaceLanguage(locale);
  const safeLocale = supportedLocale(locale, language);
  const dateFormat = new Intl.DateTimeFormat(safeLocale, { dateStyle: "long", timeZone: "UTC" });
  const dateTimeFormat = new Intl.DateTimeFormat(safeLocale, {
    dateStyle: "long",
    timeStyle: "short",
  });
  const t = (key: MessageKey, params?: Params) => translate(language, key, params);
  const number = (value: number, digits = 0) =>
    new Intl.NumberFormat(safeLocale, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  const rules = new Intl.PluralRules(language);
  // Only "one" and "other" are written: every other category French or English has
  // ("many" for French millions) reads as "other".
  const plural = (key: PluralKey, value: number, params: Params = {}) => {
    const form = rules.select(value) === "one" ? "one" : "other";
    return t(`${key}#${form}` as MessageKey, { ...params, count: number(value) });
  };
  return {
    locale: safeLocale,
    language,
    t,
    date: (iso) => {
      const at = new Date(iso);
      return Number.isNaN(at.getTime()) ? "" : dateFormat.format(at);
    },
    dateTime: (iso) => {
      const at = new Date(iso);
      return Number.isNaN(at.getTime()) ? "" : dateTimeFormat.format(at);
    },
    number,
    plural,
    wait: (seconds) => {
      const s = Math.max(1, Math.ceil(seconds));
      if (s < 60) return plural("wait.seconds", s);
      return plural("wait.minutes", Math.ceil(s / 60));
    },
  };
}

const I18nContext = createContext<Formatter>(formatter("en"));

export function I18nProvider({ locale, children }: { locale: string; children: ReactNode }) {
  const value = useMemo(() => formatter(locale), [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): Formatter {
  return useContext(I18nContext);
}

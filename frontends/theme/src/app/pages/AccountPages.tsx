import { useNavigate, useSearchParams } from "react-router";

import { SignInForm } from "../../features/auth/components/SignInForm";
import { SignUpForm } from "../../features/auth/components/SignUpForm";
import { MyDataPanel } from "../../features/mydata/components/MyDataPanel";
import {
  ForgotPasswordForm,
  NotificationPreferences,
  ResetPasswordForm,
  UnsubscribeForm,
  VerifyEmailNotice,
} from "../../features/auth/components/ResetForms";
import { EmailChangeConfirm, EmailChangeForm } from "../../features/auth/components/EmailChangeForms";
import { NotFound } from "../../shared/components/NotFound";
import { useHead } from "../../shared/head";
import { useI18n } from "../../shared/i18n";
import { useSite } from "../../shared/site";
import { useSiteTitle } from "./common";

function useBack(): () => void {
  const navigate = useNavigate();
  return () => {
    // Back where the reader came from, when that was inside this site.
    const idx = (window.history.state as { idx?: number } | null)?.idx ?? 0;
    void (idx > 0 ? navigate(-1) : navigate("/"));
  };
}

export function SignInPage() {
  const f = useI18n();
  const back = useBack();
  useHead({ title: useSiteTitle(f.t("auth.signIn")), description: f.t("auth.signIn") });
  return <SignInForm onDone={back} />;
}

export function SignUpPage() {
  const { config } = useSite();
  const f = useI18n();
  const back = useBack();
  useHead({ title: useSiteTitle(f.t("auth.signUp")), description: f.t("auth.signUp") });
  if (!config.features.reader_signup) return <NotFound />;
  return <SignUpForm onDone={back} />;
}

export function MyDataPage() {
  const f = useI18n();
  useHead({ title: useSiteTitle(f.t("myData.title")), description: f.t("myData.help") });
  return <MyDataPanel />;
}

export function ForgotPasswordPage() {
  const f = useI18n();
  useHead({ title: useSiteTitle(f.t("auth.forgotTitle")), description: f.t("auth.forgotTitle") });
  return <ForgotPasswordForm />;
}

export function ResetPasswordPage() {
  const f = useI18n();
  const [params] = useSearchParams();
  useHead({ title: useSiteTitle(f.t("auth.resetTitle")), description: f.t("auth.resetTitle") });
  return <ResetPasswordForm token={params.get("token") ?? ""} />;
}

export function VerifyEmailPage() {
  const f = useI18n();
  const [params] = useSearchParams();
  useHead({ title: useSiteTitle(f.t("auth.verifyTitle")), description: f.t("auth.verifyTitle") });
  return <VerifyEmailNotice token={params.get("token") ?? ""} />;
}

export function UnsubscribePage() {
  const f = useI18n();
  const [params] = useSearchParams();
  useHead({ title: useSiteTitle(f.t("unsubscribe.title")), description: f.t("unsubscribe.title") });
  return <UnsubscribeForm token={params.get("token") ?? ""} />;
}

export function NotificationsPage() {
  const f = useI18n();
  useHead({ title: useSiteTitle(f.t("prefs.title")), description: f.t("prefs.title") });
  return <NotificationPreferences />;
}

export function ChangeEmailPage() {
  const f = useI18n();
  useHead({ title: useSiteTitle(f.t("email.title")), description: f.t("email.title") });
  return <EmailChangeForm />;
}

export function ConfirmEmailPage() {
  const f = useI18n();
  const [params] = useSearchParams();
  useHead({ title: useSiteTitle(f.t("email.confirmTitle")), description: f.t("email.confirmTitle") });
  return <EmailChangeConfirm token={params.get("token") ?? ""} />;
}

// The targets room: profiles (schema, templates, validation) and what can be done with one.
export { TargetProfileSchema, type TargetProfile, type RequestTemplate, type OutcomeMatcher } from './profile-schema';
export { validateProfile, parseProfile, loadProfileFile, profileCaveats } from './profile-loader';
export { renderRequest, type RenderedRequest } from './profile-requests';
export { ProfileSignIn } from './profile-sign-in';
export { TEMPLATE_VARIABLES, renderTemplate, type TemplateContext } from './template';
